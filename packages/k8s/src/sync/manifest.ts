/**
 * Copy mode's change detection: a manifest of path → entry for each side (the host's `_work`
 * and the pod's `/__w`), each compared only with that side's own previous listing, so a sync
 * sends only what changed there. Size and whole-second mtime (what tar carries across) are
 * backed by a stamp of the side's own: inode, full-precision mtime and ctime, which catch a
 * same-size rewrite within the same second (`sed -i` makes a new inode; an in-place write moves
 * ctime). Where the file system keeps whole seconds only, an entry changed in the second its
 * listing began is "racy" and counts as changed at the next sync (as git does with its index).
 */

export type EntryKind = 'file' | 'dir' | 'link'

export interface Entry {
  kind: EntryKind
  size: number
  /** Whole seconds: what tar keeps across sides. */
  mtime: number
  /** This side's identity of the entry (inode, full mtime, full ctime); opaque. */
  stamp?: string
  /** Changed too close to its listing for whole-second times to tell a later rewrite. */
  racy?: boolean
}

/** Paths relative to `_work`, without a leading `./`. */
export type Manifest = Map<string, Entry>

/** What both sides looked like after the last sync. */
export interface SyncState {
  host: Manifest
  pod: Manifest
}

// File type bits of st_mode.
const S_IFMT = 0o170000
const KINDS: Record<number, EntryKind> = { 0o100000: 'file', 0o040000: 'dir', 0o120000: 'link' }

export function kindOfMode(mode: number): EntryKind | undefined {
  return KINDS[mode & S_IFMT]
}

/**
 * Whether an entry whose ctime is `ctimeSec` (`wholeSeconds`: no sub-second part) may still
 * change unseen: on such a file system, within a second of `clockSec`, when the listing began.
 */
export function isRacy(ctimeSec: number, wholeSeconds: boolean, clockSec: number): boolean {
  return wholeSeconds && ctimeSec >= clockSec - 1
}

/** Whether a parent directory of `path` is in `dirs`. */
function underAny(dirs: Set<string>, path: string): boolean {
  for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
    if (dirs.has(path.slice(0, i))) return true
  }
  return false
}

function same(a: Entry | undefined, b: Entry): boolean {
  if (a === undefined || a.kind !== b.kind) return false
  // Directory sizes and times are the file system's business; only their existence matters.
  if (b.kind === 'dir') return true
  if (a.racy || a.size !== b.size || a.mtime !== b.mtime) return false
  return a.stamp === undefined || b.stamp === undefined || a.stamp === b.stamp
}

/**
 * Entries of `now` that `before` lacks or that differ, in manifest order. A new directory is
 * listed once, without its contents (tar adds them recursively).
 */
export function changedPaths(before: Manifest, now: Manifest): string[] {
  const out: string[] = []
  const newDirs = new Set<string>()
  for (const [path, entry] of now) {
    if (same(before.get(path), entry) || underAny(newDirs, path)) continue
    out.push(path)
    if (entry.kind === 'dir' && before.get(path)?.kind !== 'dir') newDirs.add(path)
  }
  return out
}

/** Entries of `before` that `now` lacks; a deleted directory is listed without its contents. */
export function deletedPaths(before: Manifest, now: Manifest): string[] {
  const out: string[] = []
  const gone = new Set<string>()
  for (const path of before.keys()) {
    if (now.has(path) || underAny(gone, path)) continue
    out.push(path)
    gone.add(path)
  }
  return out
}

/** `manifest` without `paths` and everything under them. */
export function without(manifest: Manifest, paths: string[]): Manifest {
  if (paths.length === 0) return manifest
  const gone = new Set(paths)
  return new Map([...manifest].filter(([p]) => !gone.has(p) && !underAny(gone, p)))
}

/** `manifest` with the entries of `update` added or replaced. */
export function merged(manifest: Manifest, update: Manifest): Manifest {
  const out = new Map(manifest)
  for (const [path, entry] of update) out.set(path, entry)
  return out
}

export function toJson(state: SyncState): string {
  return JSON.stringify({ host: [...state.host], pod: [...state.pod] })
}

export function fromJson(text: string): SyncState {
  const parsed = JSON.parse(text) as { host: [string, Entry][]; pod: [string, Entry][] }
  return { host: new Map(parsed.host), pod: new Map(parsed.pod) }
}
