/**
 * How a script step runs in the job container without its env (secrets included) ever being
 * written to a file or put on a command line: a tiny `sh` wrapper reads a shell script of
 * `export` lines from the exec's stdin up to a per-step end marker, evaluates it, and runs the
 * step's entrypoint under a spool that keeps its output and exit status (specs/step-spool.ts).
 * Its PID (first stderr line), the spool's `pid` and the variable STEP_MARKER let a cancelled
 * step's process tree be found and killed.
 */
import { STEP_MARKER } from '@container-hooks/hooklib'
import { SPOOL_ROOT, spoolFunctions } from './step-spool'

/** The wrapper's first stderr line: its PID, the root of the step's process tree. */
export const PID_PREFIX = 'container-hooks-step-pid:'

// $1: the end marker, $2: the spool root, $3: the step id; the rest: the step's entrypoint and
// args. The step gets /dev/null as stdin, as under the runner; an env script cut short fails
// before the step starts. The env is evaluated only in the subshell that execs the step, so no
// variable of the wrapper's own can change the step's env. With a spool (specs/step-spool.ts),
// the step and its relays run in the background (their `pid`) and this exec's stream is only
// the spool's reader; without dd, head, tail, ls or mkfifo only its exit status is kept; without
// mkdir or a writable /tmp, neither. The FIFOs are opened before any background child exists: a
// child exiting (SIGCHLD) interrupts a blocking open, and busybox ash does not retry it.
const WRAPPER = [
  `printf '${PID_PREFIX}%s\\n' "$$" >&2`,
  'end=$1; d=$2/$3; shift 3; s=; ok=',
  'while IFS= read -r l; do if [ "$l" = "$end" ]; then ok=1; break; fi; s="$s$l',
  '"; done',
  '[ -n "$ok" ] || { echo "container hooks: the step environment did not arrive" >&2; exit 125; }',
  spoolFunctions(),
  'if mkdir -p "$d" 2>/dev/null; then',
  '  if command -v dd >/dev/null && command -v head >/dev/null && command -v tail >/dev/null &&',
  '    command -v ls >/dev/null && mkfifo "$d/o" "$d/e" "$d/b" 2>/dev/null; then',
  '    exec 3<>"$d/b"; : > "$d/out.idx"; : > "$d/err.idx"',
  '    (',
  '      relay out < "$d/o" 3>&- &',
  '      relay err < "$d/e" 3>&- &',
  '      (eval "$s"; exec "$@") < /dev/null > "$d/o" 2> "$d/e" 3>&-',
  '      c=$?; wait; echo "$c" > "$d/status"; echo >&3',
  '      for o in "${d%/*}"/*/status; do',
  '        [ "$o" != "$d/status" ] && [ -e "$o" ] && rm -rf "${o%/status}"',
  '      done',
  '    ) < /dev/null > /dev/null 2>&1 &',
  '    born $!; echo "$! $w" > "$d/pid"',
  '    follow 0 0',
  '  fi',
  '  ( (eval "$s"; exec "$@" < /dev/null); echo "$?" > "$d/status" ) &',
  '  born $!; echo "$! $w" > "$d/pid"',
  '  wait "$!"; read -r c < "$d/status"; exit "$c"',
  'fi',
  'eval "$s"',
  'exec "$@" </dev/null'
].join('\n')

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export interface StepEnvInput {
  stepId: string
  env: Record<string, string>
  prependPath: string[]
  workingDirectory: string
}

/**
 * The script sent over stdin. Names that are not shell identifiers (INPUT_GITHUB-TOKEN) cannot
 * be exported by sh: they are handed to `env` in front of the entrypoint instead, so they live
 * only in the argv of `env` for the instant before it execs the step.
 */
export function stepEnvScript(input: StepEnvInput): string {
  const lines: string[] = []
  const oddNames: string[] = []
  for (const [name, value] of Object.entries(input.env)) {
    if (name === '' || name.includes('=')) continue
    const clean = value.replace(/\0/g, '')
    if (IDENTIFIER.test(name)) lines.push(`export ${name}=${shellQuote(clean)}`)
    else oddNames.push(shellQuote(`${name}=${clean}`))
  }
  if (input.prependPath.length > 0) {
    lines.push(`export PATH=${shellQuote(input.prependPath.join(':'))}"\${PATH:+:$PATH}"`)
  }
  lines.push(`export ${STEP_MARKER}=${shellQuote(input.stepId)}`)
  if (oddNames.length > 0) lines.push(`set -- env ${oddNames.join(' ')} "$@"`)
  const dir = shellQuote(input.workingDirectory)
  lines.push(
    `cd -- ${dir} || { echo "container hooks: cannot enter the working directory "${dir} >&2; exit 1; }`
  )
  return `${lines.join('\n')}\n`
}

export interface WrappedStep {
  endMarker: string
  stepId: string
  entryPoint: string
  args: string[]
  /** Where the spool goes; tests use their own. */
  spoolRoot?: string
}

/** The exec argv: the wrapper, then the step's own entrypoint and args. */
export function wrapperCommand(step: WrappedStep): string[] {
  const root = step.spoolRoot ?? SPOOL_ROOT
  const { endMarker, stepId, entryPoint, args } = step
  return ['sh', '-c', WRAPPER, 'container-hooks-step', endMarker, root, stepId, entryPoint, ...args]
}

// Shell functions for the kill script. Busybox runs applets such as `sleep` without a new
// exec, so their /proc/PID/environ lacks the marker: the tree under the step's PID is walked too,
// and under the spool's step and reader processes (checked by start time: a PID may be reused).
const KILL_SCRIPT = [
  'root="$1"; id="$2"; d="$3/$2"',
  'born() { w=; read -r s 2>/dev/null < "/proc/$1/stat" || return 0; s=${s##*) }; set -- $s; w=${20}; }',
  'for f in "$d/pid" "$d/reader"; do',
  '  read -r x y 2>/dev/null < "$f" && born "$x" && [ -n "$w" ] && [ "$w" = "$y" ] && root="$root $x"',
  'done',
  // "pid:ppid" for every process; the comm field may hold spaces, so cut after its ")".
  'pairs() { for f in /proc/[0-9]*/stat; do read -r s < "$f" 2>/dev/null || continue; p=${f#/proc/}; s=${s##*) }; set -- $s; echo "${p%/stat}:$2"; done; }',
  'tree() {',
  '  all=" $root "; todo="$root"; list=$(pairs)',
  '  while [ -n "$todo" ]; do next=',
  '    for pair in $list; do c=${pair%:*}; case " $todo " in *" ${pair#*:} "*) case "$all" in *" $c "*) ;; *) all="$all$c "; next="$next $c";; esac;; esac; done',
  '    todo=$next',
  '  done',
  '  for f in /proc/[0-9]*/environ; do p=${f#/proc/}; p=${p%/environ}',
  `    [ "$p" = "$$" ] || ! grep -qaF "${STEP_MARKER}=$id" "$f" 2>/dev/null || all="$all$p "`,
  '  done',
  '  echo $all',
  '}',
  'alive() { for p in "$@"; do read -r s < /proc/$p/stat 2>/dev/null || continue; s=${s##*) }; [ "${s%% *}" = Z ] || return 0; done; return 1; }',
  // Freeze first so nothing forks away while the tree is read again.
  'pids=$(tree); kill -STOP $pids 2>/dev/null; pids="$pids $(tree)"; kill -STOP $pids 2>/dev/null',
  'kill -TERM $pids 2>/dev/null; kill -CONT $pids 2>/dev/null',
  'i=0; while [ $i -lt 10 ] && alive $pids; do sleep 0.3; i=$((i+1)); done',
  'alive $pids && kill -KILL $pids 2>/dev/null',
  'rm -rf "$d"; exit 0'
].join('\n')

/**
 * Kills the step's process tree (from the PID the wrapper reported, the processes its spool
 * names, and every process still tagged with the marker, daemonized ones too): TERM, up to 3 s
 * grace, then KILL; then removes its spool.
 */
export function killStepCommand(
  pid: number | undefined,
  stepId: string,
  spoolRoot = SPOOL_ROOT
): string[] {
  return [
    'sh',
    '-c',
    KILL_SCRIPT,
    'container-hooks-kill',
    pid === undefined ? '' : String(pid),
    stepId,
    spoolRoot
  ]
}
