/**
 * PURE: the shell side of a script step's spool in the job container (ADR 0005), which keeps the
 * step's output and exit status while it runs, so that a dropped exec connection loses neither.
 *
 * `<root>/<step id>/` holds: `out.N` / `err.N`, segments of at most 16 MiB, and `out.idx` /
 * `err.idx`, one "<N> <bytes>" line per finished segment; `pid`, the process that runs the step
 * and its relays; `reader`, the process that copies the spool to the current exec's stream;
 * `b`, the doorbell FIFO that wakes the reader when the step ends; `out.ack` / `err.ack`, the
 * bytes the hook has confirmed (the relays wait when they are 64 MiB ahead of them); `status`,
 * the step's exit code, written once both relays are done. The step's own output never goes to an exec's
 * stream: once the exec connection drops, containerd stops reading it, and a writer to it
 * blocks for good. Only the reader does, and a new exec replaces it.
 */

export const SPOOL_ROOT = '/tmp/.container-hooks'

/** The re-attach exec's first stderr line: `<prefix><mode>`. */
export const REATTACH_PREFIX = 'container-hooks-reattach:'

/**
 * What a re-attach found: `spool`, the output resumes from the delivered offsets; `status`, the
 * job container lacks the tools to spool the output (only the exit status is kept); `none`, no
 * spool at all (no writable /tmp, or the step never started).
 */
export type ReattachMode = 'spool' | 'status' | 'none'

/** The hook prunes the delivered segments once per this many bytes delivered on a stream. */
export const PRUNE_EVERY = 32 * 1024 * 1024

export type SpoolStream = 'out' | 'err'

/**
 * How far a relay may write ahead of what the hook has confirmed (through a prune: `out.ack`)
 * before it waits: the step is held back rather than filling the container's disk, while the
 * hook is away or slower than the step. Two prune intervals, so a relay never waits for a prune
 * that the hook cannot reach.
 */
const AHEAD = 2 * PRUNE_EVERY

/** The bytes of each stream the hook has passed on: where a re-attach resumes. */
export interface Delivered {
  out: number
  err: number
}

// Shell functions shared by the wrapper and the re-attach exec; `d` is the spool. Segment sizes
// come from `ls -ln` (busybox `wc -c` reads the whole file). `dd` without fullblock does one read
// per block, so it reads nothing past a segment's end. Per stream, the reader keeps the segment
// it is in (n_out) and its byte in it (p_out).
const FUNCTIONS = [
  'born() { w=; read -r s 2>/dev/null < "/proc/$1/stat" || return 0; s=${s##*) }; set -- $s; w=${20}; }',
  'fsize() { set -- $(ls -ln "$1" 2>/dev/null); e=${5:-0}; }',
  'idx() { b=; while read -r i v; do [ "$i" = "$2" ] && b=$v; done < "$d/$1.idx"; }',
  'relay() {',
  '  n=0; w=0',
  '  while :; do',
  `    while read -r a 2>/dev/null < "$d/$1.ack" || a=0; [ $((w-a)) -gt ${AHEAD} ]; do sleep 0.2; done`,
  '    dd bs=65536 count=256 of="$d/$1.$n" 2>/dev/null',
  '    [ -s "$d/$1.$n" ] || break',
  '    fsize "$d/$1.$n"; echo "$n $e" >> "$d/$1.idx"',
  '    w=$((w+e)); n=$((n+1))',
  '  done',
  '}',
  'seek() {',
  '  [ -e "$d/$1.idx" ] || return 0',
  '  n=0; p=$2',
  '  while idx "$1" "$n"; [ -n "$b" ] && [ "$p" -ge "$b" ]; do p=$((p-b)); n=$((n+1)); done',
  '  eval "n_$1=$n p_$1=$p"',
  '}',
  'pump() {',
  '  [ -e "$d/$1.idx" ] || return 0',
  '  eval "n=\\$n_$1 p=\\$p_$1"',
  '  while :; do',
  '    f="$d/$1.$n"; idx "$1" "$n"',
  '    if [ -n "$b" ]; then e=$b; elif [ -s "$f" ]; then fsize "$f"; else e=0; fi',
  '    if [ "$p" -lt "$e" ]; then',
  '      if [ "$p" = 0 ]; then head -c "$e" "$f"; else tail -c "+$((p+1))" "$f" | head -c "$((e-p))"; fi',
  '      p=$e; m=1',
  '    fi',
  '    [ -n "$b" ] || break',
  '    n=$((n+1)); p=0',
  '  done',
  '  eval "n_$1=$n p_$1=$p"',
  '}',
  'prune() {',
  '  [ -e "$d/$1.idx" ] || return 0',
  '  a=0',
  '  while read -r i v; do',
  '    a=$((a+v)); [ "$a" -le "$2" ] && [ -e "$d/$1.$i" ] && rm -f "$d/$1.$i"',
  '  done < "$d/$1.idx"',
  '  echo "$2" > "$d/$1.ack"',
  '}',
  'nap() {',
  '  if [ -n "$m" ]; then t=0.05; else case $t in 0.05) t=0.1;; *) t=0.2;; esac; fi',
  '  m=',
  '  [ -p "$d/b" ] || { sleep "$t"; return; }',
  '  (sleep "$t"; echo >&3) >/dev/null 2>&1 &',
  '  read -r x <&3; kill "$!" 2>/dev/null',
  '}',
  'unread() {',
  '  read -r r y 2>/dev/null < "$d/reader" || return 0',
  '  born "$r"; [ -n "$w" ] && [ "$w" = "$y" ] || return 0',
  '  read -r q y < "$d/pid"; kill -STOP "$r" 2>/dev/null; k=$r',
  '  for f in /proc/[0-9]*/stat; do',
  '    read -r s 2>/dev/null < "$f" || continue; s=${s##*) }; set -- $s; f=${f#/proc/}; f=${f%/stat}',
  '    [ "$2" = "$r" ] && [ "$f" != "$q" ] && k="$k $f"',
  '  done',
  '  kill -KILL $k 2>/dev/null',
  '}',
  'follow() {',
  '  born $$; echo "$$ $w" > "$d/reader"',
  '  seek out "$1"; seek err "$2"; m=1',
  '  while :; do',
  '    fin=; [ -e "$d/status" ] && fin=1',
  '    pump out; pump err >&2',
  '    [ -n "$fin" ] && break',
  '    nap',
  '  done',
  '  read -r c < "$d/status"; exit "$c"',
  '}'
].join('\n')

/** The spool's shell functions, for the wrapper (exec-wrapper.ts) and the re-attach exec. */
export function spoolFunctions(): string {
  return FUNCTIONS
}

export function spoolDir(stepId: string, root = SPOOL_ROOT): string {
  return `${root}/${stepId}`
}

// Stops the reader of a cut exec and its children (a process blocked on the dead stream keeps
// that exec open), checked by its start time since its PID may have been reused; removes the segments the hook has, and follows the spool from there.
const REATTACH = [
  'd=$1/$2',
  `[ -e "$d/pid" ] || { echo "${REATTACH_PREFIX}none" >&2; exit 0; }`,
  FUNCTIONS,
  'if [ -e "$d/out.idx" ]; then',
  `  echo "${REATTACH_PREFIX}spool" >&2`,
  '  { unread; prune out "$3"; prune err "$4"; } 2>/dev/null',
  '  exec 3<>"$d/b"',
  'else',
  `  echo "${REATTACH_PREFIX}status" >&2`,
  'fi',
  'follow "$3" "$4"'
].join('\n')

/** The exec that re-attaches to step `stepId`, resuming at the bytes the hook has delivered. */
export function reattachCommand(stepId: string, delivered: Delivered, root = SPOOL_ROOT): string[] {
  return [
    'sh',
    '-c',
    REATTACH,
    'container-hooks-reattach',
    root,
    stepId,
    String(delivered.out),
    String(delivered.err)
  ]
}

/** A detached exec that removes the segments wholly within what the hook has delivered. */
export function pruneCommand(stepId: string, delivered: Delivered, root = SPOOL_ROOT): string[] {
  const script = `d=$1/$2\n${FUNCTIONS}\nprune out "$3"; prune err "$4"`
  return [
    'sh',
    '-c',
    script,
    'container-hooks-prune',
    root,
    stepId,
    String(delivered.out),
    String(delivered.err)
  ]
}

/** The mode a re-attach exec announced (its first stderr line after the prefix), if any. */
export function reattachMode(announced: string | undefined): ReattachMode | undefined {
  return announced === 'spool' || announced === 'status' || announced === 'none'
    ? announced
    : undefined
}

/** True when `delivered` bytes on a stream crossed the next prune mark since `pruned`. */
export function pruneDue(delivered: number, pruned: number): boolean {
  return Math.floor(delivered / PRUNE_EVERY) > Math.floor(pruned / PRUNE_EVERY)
}
