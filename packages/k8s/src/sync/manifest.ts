/**
 * Copy mode's change detection: a manifest of path → (kind, size, mtime in seconds) for each
 * side, compared with the last state both sides agreed on, so a sync sends only what changed.
 */

export type EntryKind = 'file' | 'dir' | 'link'

export interface Entry {
  kind: EntryKind
  size: number
  /** Seconds: what `stat -c %Y` gives in any image. */
  mtime: number
}

/** Paths relative to `_work`, without a leading `./`. */
export type Manifest = Map<string, Entry>

// File type bits of st_mode.
const S_IFMT = 0o170000
const KINDS: Record<number, EntryKind> = { 0o100000: 'file', 0o040000: 'dir', 0o120000: 'link' }

export function kindOfMode(mode: number): EntryKind | undefined {
  return KINDS[mode & S_IFMT]
}

/** The find/stat script run in the pod: one line per entry, `<hex mode> <size> <mtime> <path>`. */
export const POD_MANIFEST_SCRIPT = 'cd "$1" && find . -mindepth 1 -exec stat -c "%f %s %Y %n" {} +'

export function parsePodManifest(text: string): Manifest {
  const manifest: Manifest = new Map()
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]+) (\d+) (\d+) \.\/(.+)$/.exec(line)
    if (!match) continue
    const kind = kindOfMode(parseInt(match[1], 16))
    if (kind) manifest.set(match[4], { kind, size: Number(match[2]), mtime: Number(match[3]) })
  }
  return manifest
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
  return b.kind === 'dir' || (a.size === b.size && a.mtime === b.mtime)
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

export function toJson(manifest: Manifest): string {
  return JSON.stringify([...manifest])
}

export function fromJson(text: string): Manifest {
  return new Map(JSON.parse(text) as [string, Entry][])
}
