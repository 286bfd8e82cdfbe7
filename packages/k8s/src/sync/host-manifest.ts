/** The manifest of the runner's `_work` on the host (lstat only; file contents are not read). */
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { kindOfMode, type Manifest } from './manifest'

export function hostManifest(
  root: string,
  exclude: (path: string) => boolean = () => false
): Manifest {
  const manifest: Manifest = new Map()
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`
      if (exclude(path)) continue
      const stat = lstatSync(join(root, path))
      const kind = kindOfMode(stat.mode)
      if (kind === undefined) continue
      manifest.set(path, { kind, size: stat.size, mtime: Math.floor(stat.mtimeMs / 1000) })
      if (kind === 'dir') walk(path)
    }
  }
  walk('')
  return manifest
}
