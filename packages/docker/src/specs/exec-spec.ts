/** PURE: the exec body for a script step, and the command that stops it on cancellation. */
import { joinRunnerArgs, STEP_MARKER, type ScriptStepArgs } from '@container-hooks/hooklib'

// What most images set; used when neither the step nor the image config has a PATH.
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** The body of the Engine API's exec create call (the fields this hook sends). */
export interface ExecOptions {
  Cmd: string[]
  Env?: string[]
  WorkingDir?: string
  AttachStdout: boolean
  AttachStderr: boolean
  AttachStdin?: boolean
  Tty?: boolean
}

/** The output streams the wrapper spools, as named in the spool's files. */
export type SpoolStream = 'out' | 'err'

/** A segment is at most 256 reads of ≤ 64 KiB (dd without fullblock): ≤ 16 MiB. */
const SEGMENT_READS = 256
const ROOT = '/tmp/.container-hooks'

/**
 * A step's spool in the job container: `status` ("<exit code> <1 if spooled>"), and per stream
 * the segments `out.0`, `out.1`, … and `out.idx`, one "<n> <bytes>" line per finished segment.
 * The engine forgets an exec's real exit code when the exec's stream broke (it records 126
 * once the process ends) and discards the output after the break, so after a lost connection
 * this folder is the only record of both.
 */
export function spoolDir(marker: string): string {
  return `${ROOT}/${marker}`
}

export function statusFile(marker: string): string {
  return `${spoolDir(marker)}/status`
}

export function segmentFile(marker: string, stream: SpoolStream, n: number): string {
  return `${spoolDir(marker)}/${stream}.${n}`
}

export function indexFile(marker: string, stream: SpoolStream): string {
  return `${spoolDir(marker)}/${stream}.idx`
}

// The step writes into two FIFOs; a relay per stream copies them to the exec's stream and into
// segments (dd: one read at a time, so nothing is held back; tee: live). At its end it removes
// the spools of earlier, finished steps, in the background: not at its start, where a child
// exiting (SIGCHLD) interrupts the shell's blocking open of a FIFO, and ash does not retry. Without mkfifo, dd, tee
// or wc the step's output is not spooled; without mkdir (or a writable /tmp) nor its status.
const WRAPPER = `d=${ROOT}/$${STEP_MARKER}
relay() {
  n=0
  while :; do
    dd bs=65536 count=${SEGMENT_READS} 2>/dev/null | tee "$d/$1.$n"
    b=$(($(wc -c < "$d/$1.$n")))
    [ "$b" -gt 0 ] || break
    echo "$n $b" >> "$d/$1.idx"
    n=$((n+1))
  done
}
end() {
  for f in ${ROOT}/*/status; do
    [ -e "$f" ] && [ "$f" != "$d/status" ] && { rm -rf "\${f%/status}" >/dev/null 2>&1 & }
  done
  printf '\\000container-hooks-end %s\\000' "$${STEP_MARKER}" >&2
  exit "$1"
}
if mkdir -p "$d" 2>/dev/null; then
  if command -v dd >/dev/null && command -v tee >/dev/null && command -v wc >/dev/null &&
    mkfifo "$d/o" "$d/e" 2>/dev/null; then
    relay out < "$d/o" &
    relay err < "$d/e" >&2 &
    "$@" > "$d/o" 2> "$d/e"
    s=$?
    echo "$s 1" > "$d/status"
    wait
    end "$s"
  fi
  "$@"
  s=$?
  echo "$s 0" > "$d/status"
  end "$s"
fi
"$@"
end "$?"`

/**
 * The wrapper's last bytes on stderr, after everything the step printed: the hook strips them,
 * and a stream that ends without them was cut.
 */
export function endTrailer(marker: string): Buffer {
  return Buffer.from(`\0container-hooks-end ${marker}\0`)
}

/** The step's command under the sh wrapper that spools its output and keeps its exit status. */
export function wrapped(cmd: string[]): string[] {
  return ['sh', '-c', WRAPPER, 'sh', ...cmd]
}

/** Removes the segments of `stream` that end at or before `delivered` bytes (the hook has them). */
export function pruneCommand(marker: string, stream: SpoolStream, delivered: number): string[] {
  const script = [
    `d=${spoolDir(marker)}; end=0`,
    `while read -r n b; do end=$((end+b)); [ "$end" -le ${delivered} ] && rm -f "$d/${stream}.$n"; done < "$d/${stream}.idx"`,
    'true'
  ].join('\n')
  return ['sh', '-c', script]
}

/**
 * `containerPath` is the job container's own PATH, read at prepare_job; `shell`: the job
 * container has /bin/sh, so the step runs under the wrapper.
 */
export function scriptExecOptions(
  args: ScriptStepArgs,
  containerPath: string | null,
  marker: string,
  shell = false
): ExecOptions {
  const env: Record<string, string> = { ...args.environmentVariables }
  if (args.prependPath.length > 0) {
    env.PATH = [...args.prependPath, env.PATH ?? containerPath ?? DEFAULT_PATH].join(':')
  }
  const cmd = [args.entryPoint, ...joinRunnerArgs(args.entryPointArgs)]
  return {
    Cmd: shell ? wrapped(cmd) : cmd,
    // Values travel in the API body: never on a command line, never in a file.
    Env: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), `${STEP_MARKER}=${marker}`],
    WorkingDir: args.workingDirectory || undefined,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: false,
    Tty: false
  }
}

/** A second exec that sends `signal` to every process carrying the step's marker. */
export function killExecCommand(marker: string, signal: 'TERM' | 'KILL'): string[] {
  const script = [
    'for p in /proc/[0-9]*; do',
    `  if tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qx '${STEP_MARKER}=${marker}'; then`,
    `    kill -${signal} "\${p#/proc/}" 2>/dev/null`,
    '  fi',
    'done',
    'true'
  ].join('\n')
  return ['sh', '-c', script]
}
