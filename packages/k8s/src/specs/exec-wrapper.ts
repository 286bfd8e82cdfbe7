/**
 * How a script step runs in the job container without its env (secrets included) ever being
 * written to a file or put on a command line: a tiny `sh` wrapper reads a shell script of
 * `export` lines from the exec's stdin up to a per-step end marker, evaluates it, and `exec`s
 * the step's entrypoint. Its PID (first stderr line) and the variable CONTAINER_HOOKS_STEP let
 * a cancelled step's process tree be found and killed.
 */

export const STEP_MARKER = 'CONTAINER_HOOKS_STEP'
/** The wrapper's first stderr line: its PID, which the step's entrypoint keeps (exec). */
export const PID_PREFIX = 'container-hooks-step-pid:'

// $1: the end marker; the rest: the step's entrypoint and args. The step gets /dev/null as stdin,
// as under the runner; an env script cut short fails before the step starts.
const WRAPPER = [
  `printf '${PID_PREFIX}%s\\n' "$$" >&2`,
  'end=$1; shift; s=; ok=',
  'while IFS= read -r l; do if [ "$l" = "$end" ]; then ok=1; break; fi; s="$s$l',
  '"; done',
  '[ -n "$ok" ] || { echo "container hooks: the step environment did not arrive" >&2; exit 125; }',
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

/** The exec argv: the wrapper, then the step's own entrypoint and args. */
export function wrapperCommand(endMarker: string, entryPoint: string, args: string[]): string[] {
  return ['sh', '-c', WRAPPER, 'container-hooks-step', endMarker, entryPoint, ...args]
}

// Shell functions for the kill script. Busybox runs applets such as `sleep` without a new
// exec, so their /proc/PID/environ lacks the marker: the tree under the step's PID is walked too.
const KILL_SCRIPT = [
  'root="$1"; id="$2"',
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
  'for i in 1 2 3 4 5 6 7 8 9 10; do alive $pids || exit 0; sleep 0.3; done',
  'kill -KILL $pids 2>/dev/null; exit 0'
].join('\n')

/**
 * Kills the step's process tree (from the PID the wrapper reported, plus every process still
 * tagged with the marker, daemonized ones too): TERM, up to 3 s grace, then KILL.
 */
export function killStepCommand(pid: number | undefined, stepId: string): string[] {
  return [
    'sh',
    '-c',
    KILL_SCRIPT,
    'container-hooks-kill',
    pid === undefined ? '' : String(pid),
    stepId
  ]
}
