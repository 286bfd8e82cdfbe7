/**
 * A hash of a build context's content: every entry's path, type and mode, file contents and
 * link targets, in a fixed order. Timestamps and owners are left out, so a fresh checkout of the
 * same action hashes the same and its image is not built again.
 */
import { createHash, type Hash } from 'node:crypto'
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs'
import { join } from 'node:path'

const CHUNK = 1 << 20

/** A file's sha256, read in chunks of `buffer`: an action may carry big files. */
function fileHash(path: string, buffer: Buffer): string {
  const hash = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
      hash.update(buffer.subarray(0, n))
    }
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

function walk(hash: Hash, root: string, rel: string, buffer: Buffer): void {
  const names = readdirSync(join(root, rel)).sort()
  for (const name of names) {
    const path = rel === '' ? name : `${rel}/${name}`
    const full = join(root, path)
    const stat = lstatSync(full)
    const mode = (stat.mode & 0o7777).toString(8)
    if (stat.isDirectory()) {
      hash.update(`d ${path} ${mode}\n`)
      walk(hash, root, path, buffer)
    } else if (stat.isSymbolicLink()) {
      hash.update(`l ${path} ${readlinkSync(full)}\n`)
    } else if (stat.isFile()) {
      hash.update(`f ${path} ${mode} ${fileHash(full, buffer)}\n`)
    }
  }
}

/** Hex sha256 of the folder `dir` and `extra` (other inputs of the build, e.g. its flags). */
export function contextHash(dir: string, extra: string[]): string {
  const hash = createHash('sha256')
  for (const item of extra) hash.update(`x ${item}\n`)
  walk(hash, dir, '', Buffer.allocUnsafe(CHUNK))
  return hash.digest('hex')
}
