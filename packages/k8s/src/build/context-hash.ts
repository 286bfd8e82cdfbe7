/**
 * A hash of a build context's content: every entry's path, type and mode, file contents and
 * link targets, in a fixed order. Timestamps and owners are left out, so a fresh checkout of the
 * same action hashes the same and its image is not built again.
 */
import { createHash, type Hash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

function walk(hash: Hash, root: string, rel: string): void {
  const names = readdirSync(join(root, rel)).sort()
  for (const name of names) {
    const path = rel === '' ? name : `${rel}/${name}`
    const full = join(root, path)
    const stat = lstatSync(full)
    const mode = (stat.mode & 0o7777).toString(8)
    if (stat.isDirectory()) {
      hash.update(`d ${path} ${mode}\n`)
      walk(hash, root, path)
    } else if (stat.isSymbolicLink()) {
      hash.update(`l ${path} ${readlinkSync(full)}\n`)
    } else if (stat.isFile()) {
      const content = createHash('sha256').update(readFileSync(full)).digest('hex')
      hash.update(`f ${path} ${mode} ${content}\n`)
    }
  }
}

/** Hex sha256 of the folder `dir` and `extra` (other inputs of the build, e.g. its flags). */
export function contextHash(dir: string, extra: string[]): string {
  const hash = createHash('sha256')
  for (const item of extra) hash.update(`x ${item}\n`)
  walk(hash, dir, '')
  return hash.digest('hex')
}
