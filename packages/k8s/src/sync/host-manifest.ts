/** The manifest of the runner's `_work` on the host (lstat only; file contents are not read). */
import { lstatSync, readdirSync, type BigIntStats } from 'node:fs'
import { join } from 'node:path'
import { isRacy, kindOfMode, type Entry, type Manifest } from './manifest'

const NS = 1_000_000_000n

function entryOf(stat: BigIntStats, clockSec: number): Entry | undefined {
  const kind = kindOfMode(Number(stat.mode))
  if (kind === undefined) return undefined
  const ctimeSec = Number(stat.ctimeNs / NS)
  const wholeSeconds = stat.ctimeNs % NS === 0n
  return {
    kind,
    size: Number(stat.size),
    mtime: Number(stat.mtimeNs / NS),
    stamp: `${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs}`,
    ...(isRacy(ctimeSec, wholeSeconds, clockSec) ? { racy: true } : {})
  }
}

/** Adds `rel` (a path under `root`, "" for root itself) and what is below it to `manifest`. */
function walk(
  root: string,
  rel: string,
  manifest: Manifest,
  exclude: (path: string) => boolean,
  clockSec: number
): void {
  for (const name of readdirSync(join(root, rel)).sort()) {
    const path = rel === '' ? name : `${rel}/${name}`
    if (exclude(path)) continue
    const entry = entryOf(lstatSync(join(root, path), { bigint: true }), clockSec)
    if (entry === undefined) continue
    manifest.set(path, entry)
    if (entry.kind === 'dir') walk(root, path, manifest, exclude, clockSec)
  }
}

const nowSec = (): number => Math.floor(Date.now() / 1000)

export function hostManifest(
  root: string,
  exclude: (path: string) => boolean = () => false
): Manifest {
  const manifest: Manifest = new Map()
  walk(root, '', manifest, exclude, nowSec())
  return manifest
}

/** The entries of `paths` (and below them) as they are now: after tar wrote them. */
export function hostEntries(root: string, paths: string[]): Manifest {
  const clockSec = nowSec()
  const manifest: Manifest = new Map()
  for (const path of paths) {
    const stat = lstatSync(join(root, path), { bigint: true, throwIfNoEntry: false })
    const entry = stat && entryOf(stat, clockSec)
    if (entry === undefined) continue
    manifest.set(path, entry)
    if (entry.kind === 'dir') walk(root, path, manifest, () => false, clockSec)
  }
  return manifest
}
