/** PURE: the exec body for a script step, and the command that stops it on cancellation. */
import { joinRunnerArgs, type ScriptStepArgs } from '@container-hooks/hooklib'

/** Marks every process of one step (children inherit it) so a cancel can find the whole tree. */
export const EXEC_MARKER = 'CONTAINER_HOOKS_STEP'

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

/** `containerPath` is the job container's own PATH, read at prepare_job. */
export function scriptExecOptions(
  args: ScriptStepArgs,
  containerPath: string | null,
  marker: string
): ExecOptions {
  const env: Record<string, string> = { ...args.environmentVariables }
  if (args.prependPath.length > 0) {
    env.PATH = [...args.prependPath, env.PATH ?? containerPath ?? DEFAULT_PATH].join(':')
  }
  return {
    Cmd: [args.entryPoint, ...joinRunnerArgs(args.entryPointArgs)],
    // Values travel in the API body: never on a command line, never in a file.
    Env: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), `${EXEC_MARKER}=${marker}`],
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
    `  if tr '\\0' '\\n' < "$p/environ" 2>/dev/null | grep -qx '${EXEC_MARKER}=${marker}'; then`,
    `    kill -${signal} "\${p#/proc/}" 2>/dev/null`,
    '  fi',
    'done',
    'true'
  ].join('\n')
  return ['sh', '-c', script]
}
