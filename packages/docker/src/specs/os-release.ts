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
  if (archive.length >= BLOCK && field(archive, 156, 1) === '2')
    return { kind: 'symlink', target: field(archive, 157, 100) }
  const content = firstTarFile(archive)
  return content === undefined
    ? { kind: 'other' }
    : { kind: 'file', content: content.toString('utf8') }
}

/** The content of the archive's first entry when it is a regular file. */
export function firstTarFile(archive: Buffer): Buffer | undefined {
  if (archive.length < BLOCK) return undefined
  const type = field(archive, 156, 1)
  if (type !== '0' && type !== '') return undefined
  const size = parseInt(field(archive, 124, 12).trim() || '0', 8)
  return archive.subarray(BLOCK, BLOCK + size)
}

/** `ID=alpine` (quoted or not) in an os-release file. */
export function isAlpineRelease(osRelease: string): boolean {
  return /^ID=["']?alpine["']?\s*$/m.test(osRelease)
}
