/**
 * How a script step runs in the job container without its env (secrets included) ever being
 * written to a file or put on a command line: a tiny `sh` wrapper reads a shell script of
 * `export` lines from the exec's stdin up to a per-step end marker, evaluates it, and `exec`s
 * the step's entrypoint. The marker variable CONTAINER_HOOKS_STEP also tags the whole process
 * tree so a cancelled step can be found and killed.
 */

export const STEP_MARKER = 'CONTAINER_HOOKS_STEP'

// $1: the end marker; the rest: the step's entrypoint and args. The step gets /dev/null as stdin,
// as under the runner; an env script cut short fails before the step starts.
const WRAPPER = [
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

/**
 * Kills every process tagged with the step's marker (the whole tree, daemonized children
 * too): TERM, up to 3 s grace, then KILL.
 */
export function killStepCommand(stepId: string): string[] {
  const script = [
    'id="$1"; pids=',
    'for e in /proc/[0-9]*/environ; do',
    '  p=${e#/proc/}; p=${p%/environ}',
    `  [ "$p" = "$$" ] || ! grep -qaF "${STEP_MARKER}=$id" "$e" 2>/dev/null || pids="$pids $p"`,
    'done',
    '[ -n "$pids" ] || exit 0',
    'kill -TERM $pids 2>/dev/null',
    'for i in 1 2 3 4 5 6 7 8 9 10; do',
    `  alive=; for p in $pids; do grep -qaF "${STEP_MARKER}=$id" /proc/$p/environ 2>/dev/null && alive=1; done`,
    '  [ -n "$alive" ] || exit 0',
    '  sleep 0.3',
    'done',
    'kill -KILL $pids 2>/dev/null; exit 0'
  ]
  return ['sh', '-c', script.join('\n'), 'container-hooks-kill', stepId]
}
