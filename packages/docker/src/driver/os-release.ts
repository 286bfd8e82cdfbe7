/** isAlpine without a shell in the container: /etc/os-release read through the archive API. */
import { posix } from 'node:path'
import type Docker from 'dockerode'
import { firstTarEntry, isAlpineRelease } from '../specs/os-release'
import { ignoreMissing } from './engine'

const MAX_LINKS = 5

async function readArchive(container: Docker.Container, path: string): Promise<Buffer | undefined> {
  const stream = await ignoreMissing(container.getArchive({ path }))
  if (stream === undefined) return undefined
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function readFileFollowingLinks(
  container: Docker.Container,
  path: string
): Promise<string | undefined> {
  let current = path
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const archive = await readArchive(container, current)
    if (archive === undefined) return undefined
    const entry = firstTarEntry(archive)
    if (entry.kind === 'file') return entry.content
    if (entry.kind !== 'symlink') return undefined
    current = posix.resolve(posix.dirname(current), entry.target)
  }
  return undefined
}

export async function detectAlpine(container: Docker.Container): Promise<boolean> {
  const release =
    (await readFileFollowingLinks(container, '/etc/os-release')) ??
    (await readFileFollowingLinks(container, '/usr/lib/os-release'))
  return release !== undefined && isAlpineRelease(release)
}
