/** PURE: reads one entry of the tar archive the engine returns for GET /containers/{id}/archive. */

export type TarEntry =
  { kind: 'file'; content: string } | { kind: 'symlink'; target: string } | { kind: 'other' }

const BLOCK = 512

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end < 0 ? length : end).toString('utf8')
}

export function firstTarEntry(archive: Buffer): TarEntry {
  if (archive.length < BLOCK) return { kind: 'other' }
  const header = archive.subarray(0, BLOCK)
  const type = field(header, 156, 1)
  if (type === '2') return { kind: 'symlink', target: field(header, 157, 100) }
  if (type !== '0' && type !== '') return { kind: 'other' }
  const size = parseInt(field(header, 124, 12).trim() || '0', 8)
  return { kind: 'file', content: archive.subarray(BLOCK, BLOCK + size).toString('utf8') }
}

/** `ID=alpine` (quoted or not) in an os-release file. */
export function isAlpineRelease(osRelease: string): boolean {
  return /^ID=["']?alpine["']?\s*$/m.test(osRelease)
}
