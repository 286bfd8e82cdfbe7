import { CancelledError, HookError, ResponseError } from './errors'
import { readInput, readProcessStdin } from './input'
import { LineStartStream } from './line-start'
import { exitAfterDrain } from './process-io'
import { createLogger, isDebug, type Logger } from './logger'
import type {
  CleanupJobArgs,
  Command,
  ContainerStepArgs,
  HookInput,
  HookState,
  PrepareJobArgs,
  PrepareJobResponse,
  ScriptStepArgs,
  StepResponse
} from './protocol'
import { ResponseWriter } from './response'
import type { Writable } from 'node:stream'

export interface HookContext {
  command: Command
  state: HookState | null
  responseFile: string
  /** Aborted on the first SIGINT/SIGTERM; `signal.reason` is a CancelledError. */
  signal: AbortSignal
  log: Logger
  env: NodeJS.ProcessEnv
  /**
   * Where a step's own output goes: the process's stdout and stderr unless runHook was told
   * otherwise. The log's lines go through the same stdout, after the step's bytes written before
   * them, and each starts a line of its own (the runner sees a command only at a line's start).
   */
  stdout: Writable
  stderr: Writable
}

export interface HookHandlers {
  prepareJob(args: PrepareJobArgs, ctx: HookContext): Promise<PrepareJobResponse>
  cleanupJob(args: CleanupJobArgs, ctx: HookContext): Promise<void>
  runScriptStep(args: ScriptStepArgs, ctx: HookContext): Promise<StepResponse | void>
  runContainerStep(args: ContainerStepArgs, ctx: HookContext): Promise<StepResponse | void>
}

export interface RunHookOptions {
  /** Default: the process's stdin (fd 0). */
  stdin?: NodeJS.ReadableStream
  env?: NodeJS.ProcessEnv
  /** Where log lines go; defaults to the step's stdout (below), each on a line of its own. */
  write?: (text: string) => void
  /** Where steps write their output (HookContext.stdout/stderr); default: the process's. */
  stdout?: Writable
  stderr?: Writable
  /**
   * Cancellation from elsewhere than this process's signals (e.g. a client on a socket): called
   * once with the function to call per signal received; returns the function that detaches it.
   */
  cancellation?: (onSignal: (name: string) => void) => () => void
  /** Default true: process.exit(code) once stdout has drained. */
  exit?: boolean
  /**
   * Default true: install process handlers for SIGINT/SIGTERM (cancellation) and for unhandled
   * rejections/exceptions (reported like any other error). Removed when the hook settles.
   */
  signals?: boolean
  /** What the hook is, e.g. `my-hook 1.2.0 (abc123)`: the first debug line of every command. */
  version?: string
}

async function dispatch(handlers: HookHandlers, input: HookInput, ctx: HookContext): Promise<void> {
  const writer = new ResponseWriter(input)
  switch (input.command) {
    case 'prepare_job': {
      const response = await handlers.prepareJob(input.args, ctx)
      if (response === undefined || response === null) {
        throw new ResponseError(
          'The prepareJob handler returned no response; prepare_job must always write one'
        )
      }
      writer.write(response)
      return
    }
    case 'cleanup_job':
      return handlers.cleanupJob(input.args, ctx)
    case 'run_script_step': {
      const response = await handlers.runScriptStep(input.args, ctx)
      if (response) writer.write(response)
      return
    }
    case 'run_container_step': {
      const response = await handlers.runContainerStep(input.args, ctx)
      if (response) writer.write(response)
    }
  }
}

/** Prints exactly one `::error::` line for `err` (stack as debug) and returns the exit code. */
function report(err: unknown, log: Logger, signal: AbortSignal): number {
  // An abort surfaces from libraries as their own AbortError: report it as the cancellation.
  const error: unknown = signal.aborted && !(err instanceof HookError) ? signal.reason : err
  if (error instanceof Error && error.stack) log.debug(error.stack)
  if (error instanceof Error && error.cause instanceof Error && error.cause.stack) {
    log.debug(`Caused by: ${error.cause.stack}`)
  }
  if (error instanceof HookError) {
    log.error(error.message)
    return error.exitCode
  }
  const message = error instanceof Error ? error.message : String(error)
  log.error(`Unexpected error in the container hook: ${message}`)
  return 1
}

/**
 * The first signal aborts `controller`; later ones are only logged, so the handler finishes its
 * cleanup (the runner SIGKILLs 10 s after SIGINT anyway).
 */
function cancelOnSignal(controller: AbortController, log: Logger): (name: string) => void {
  return name => {
    if (controller.signal.aborted) {
      log.info(`Received ${name} again; still cleaning up`)
      return
    }
    log.info(`Received ${name}: cancelling`)
    controller.abort(new CancelledError(`The step was cancelled (${name})`))
  }
}

/** Cancellation and crash handlers of this process. Returns the function that removes them. */
function installProcessHandlers(
  onSignal: (name: string) => void,
  fail: (err: unknown) => void
): () => void {
  // Node would otherwise exit 0 when the loop runs dry while a handler awaits forever.
  const onBeforeExit = (): void =>
    fail(
      new HookError(
        'The container hook stopped before its handler finished: it awaited a promise that can never settle'
      )
    )
  const listeners: Array<[string, (err: unknown) => void]> = [
    ['SIGINT', () => onSignal('SIGINT')],
    ['SIGTERM', () => onSignal('SIGTERM')],
    ['unhandledRejection', fail],
    ['uncaughtException', fail],
    ['beforeExit', onBeforeExit]
  ]
  for (const [event, listener] of listeners) process.on(event, listener)
  return () => {
    for (const [event, listener] of listeners) process.off(event, listener)
  }
}

/**
 * The hook entry point: reads and validates stdin, dispatches to `handlers`, writes the
 * response, and turns any failure into one `::error::` line and the exit code (the user's own
 * code for a StepFailedError). Resolves the exit code (and exits, unless `exit: false`).
 */
export async function runHook(
  handlers: HookHandlers,
  options: RunHookOptions = {}
): Promise<number> {
  const env = options.env ?? process.env
  const stdout = new LineStartStream(options.stdout ?? process.stdout)
  const write = options.write ?? ((text: string) => stdout.writeLine(text))
  const log = createLogger({ write, debug: isDebug(env) })
  if (options.version !== undefined) log.debug(options.version)
  const controller = new AbortController()
  let fail: (err: unknown) => void = () => undefined
  const crashed = new Promise<never>((_, reject) => {
    fail = reject
  })
  const onSignal = cancelOnSignal(controller, log)
  const detach = options.cancellation?.(onSignal) ?? (() => undefined)
  const removeHandlers =
    options.signals === false ? () => undefined : installProcessHandlers(onSignal, fail)
  const remove = (): void => {
    detach()
    removeHandlers()
  }

  const work = (async () => {
    const input = await (options.stdin ? readInput(options.stdin) : readProcessStdin())
    const ctx: HookContext = {
      command: input.command,
      state: input.state,
      responseFile: input.responseFile,
      signal: controller.signal,
      log,
      env,
      stdout,
      stderr: options.stderr ?? process.stderr
    }
    // Cancelled before it started (a signal while stdin was read): nothing to start. cleanup_job
    // runs anyway: it is what removes a cancelled job's pods or containers.
    if (input.command !== 'cleanup_job') controller.signal.throwIfAborted()
    await dispatch(handlers, input, ctx)
    // A handler that ignored the signal still ran to the end: the step was cancelled all the same.
    controller.signal.throwIfAborted()
  })()
  // After a crash wins the race, a later rejection of `work` must not crash the process again.
  work.catch(() => undefined)

  let code: number
  try {
    await Promise.race([work, crashed])
    code = 0
  } catch (err) {
    code = report(err, log, controller.signal)
  } finally {
    remove()
  }
  await stdout.flush()
  if (options.exit !== false) exitAfterDrain(code)
  return code
}

/** What a bundled hook's `src/index.ts` calls: `hookMain(handlers)`. */
export function hookMain(handlers: HookHandlers, options: RunHookOptions = {}): void {
  void runHook(handlers, options)
}
