/**
 * The pod side of copy mode's manifest: shell that lists entries with `stat` (GNU or BusyBox,
 * whichever the job image has), and its parser. Every listing starts with the pod's file-system
 * clock: the ctime of `.` right after a file was made and removed there.
 */
import { isRacy, kindOfMode, type Manifest } from './manifest'

// <hex mode> <size> <mtime s> <ctime s> <inode> <mtime full> <ctime full> <path>
const FORMAT = '%f %s %Y %Z %i %y %z %n'
const CLOCK = ': > .container-hooks-clock && rm -f .container-hooks-clock && stat -c "clock %Z" .'

/** Lists all of `_work` (`$1`). */
export const POD_MANIFEST_SCRIPT = `cd "$1" && ${CLOCK} && find . -mindepth 1 -exec stat -c "${FORMAT}" {} +`

/**
 * Removes `$2…` in `$1`, extracts the tar on stdin there and lists what it extracted (tar's
 * own list of names, so only those are stat'ed).
 */
export const POD_PUSH_SCRIPT = [
  'cd "$1" && shift && rm -rf -- "$@"',
  CLOCK,
  'list=$(tar -x -v -f -)',
  `if [ -n "$list" ]; then printf "%s\\n" "$list" | tr "\\n" "\\0" | xargs -0 stat -c "${FORMAT}" --; fi`
].join(' && ')

const LINE = /^([0-9a-f]+) (\d+) (\d+) (\d+) (\d+) (\S+ \S+ \S+) (\S+ (\S+) \S+) (.+)$/

/** `./a/b/` and `a/b` are both `a/b`; `.` itself is no entry. */
function relative(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '')
}

export function parsePodListing(text: string): Manifest {
  const manifest: Manifest = new Map()
  let clock: number | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('clock ')) {
      clock = Number(line.slice(6))
      continue
    }
    const match = LINE.exec(line)
    if (!match) continue
    const kind = kindOfMode(parseInt(match[1], 16))
    const path = relative(match[9])
    if (!kind || path === '' || path === '.') continue
    const ctime = Number(match[4])
    // "04:07:29.591853689": no sub-second digits other than 0 on a whole-second file system.
    const wholeSeconds = !/\.\d*[1-9]/.test(match[8])
    manifest.set(path, {
      kind,
      size: Number(match[2]),
      mtime: Number(match[3]),
      stamp: `${match[5]} ${match[6]} ${match[7]}`,
      ...(clock !== undefined && isRacy(ctime, wholeSeconds, clock) ? { racy: true } : {})
    })
  }
  return manifest
}
