/**
 * run_script_step: the step's entrypoint in the job container through exec, its env sent over
 * stdin, output streamed live, the user's exit code returned. Cancelling kills the step's
 * process tree in the container; a lost stream is re-attached (kube/reattach.ts).
 */
import {
  debugEnabled,
  InputError,
  joinRunnerArgs,
  StepFailedError,
  type HookContext,
  type ScriptStepArgs
} from '@container-hooks/hooklib'
import { randomBytes } from 'node:crypto'
import { kubeContext } from '../context'
import { afterStep } from '../debug/after-step'
import { apiWatch } from '../kube/api-connection'
import { KubeApiError, type KubeClient } from '../kube/client'
import { exec, execQuiet, LostConnectionError } from '../kube/exec'
import { reattach } from '../kube/reattach'
import { execFailure, recordFailure, stepFate } from '../kube/script-step'
import { StepOutput } from '../kube/step-stream'
import { PID_PREFIX, stepEnvScript, wrapperCommand } from '../specs/exec-wrapper'
import { pruneCommand } from '../specs/step-spool'
import { readState, type JobState } from '../state'
import { copyTarget, pullChanges, pushChanges } from '../sync/copy'

/** Runs one copy-mode sync and logs (debug) what moved and how long it took. */
async function timedSync(
  direction: string,
  sync: () => Promise<string[]>,
  ctx: HookContext
): Promise<void> {
  const started = Date.now()
  const paths = await sync()
  const shown = paths.slice(0, 10).join(', ') + (paths.length > 10 ? ', …' : '')
  ctx.log.debug(
    `Copied ${paths.length} changed entries ${direction} the pod in ${Date.now() - started} ms${shown ? `: ${shown}` : ''}`
  )
}

// A prune that does not answer in this time is dropped: the next one covers its segments.
const PRUNE_TIMEOUT_MS = 30_000

/** Drops the segments of the step's spool that the hook has delivered, in the background. */
function pruner(client: KubeClient, state: JobState, stepId: string, ctx: HookContext) {
  return (delivered: { out: number; err: number }): void => {
    execQuiet(client, {
      pod: state.pod,
      container: state.jobContainer!,
      command: pruneCommand(stepId, delivered),
      signal: AbortSignal.timeout(PRUNE_TIMEOUT_MS),
      what: "the prune of the step's spool"
    }).catch((err: Error) => ctx.log.debug(`Could not prune the step's spool: ${err.message}`))
  }
}

/**
 * The step's exec, started again while the API server gives no answer at all before it opens
 * (a refused or dropped connection): the env goes over stdin only once the exec is open, so the
 * wrapper of a failed start never ran the step.
 */
function startRetried(
  start: () => Promise<number>,
  client: KubeClient,
  reconnectMs: number,
  ctx: HookContext
): Promise<number> {
  const notReached = (err: unknown): boolean => err instanceof KubeApiError && err.status === 0
  return apiWatch(client, reconnectMs, ctx.signal, ctx.log, notReached).call(start)
}

/** Runs the step's exec and resolves its exit code; a cut stream is re-attached. */
async function runStep(
  args: ScriptStepArgs,
  client: KubeClient,
  state: JobState,
  reconnectMs: number,
  ctx: HookContext
): Promise<number> {
  const stepId = randomBytes(8).toString('hex')
  const endMarker = `end-of-env-${randomBytes(8).toString('hex')}`
  const script = stepEnvScript({
    stepId,
    env: args.environmentVariables,
    prependPath: args.prependPath,
    workingDirectory: args.workingDirectory
  })
  const entry = { entryPoint: args.entryPoint, args: joinRunnerArgs(args.entryPointArgs) }
  const output = new StepOutput(
    ctx.stdout,
    ctx.stderr,
    PID_PREFIX,
    pruner(client, state, stepId, ctx)
  )
  const start = (): Promise<number> =>
    exec(client, {
      pod: state.pod,
      container: state.jobContainer!,
      command: wrapperCommand({ endMarker, stepId, ...entry }),
      stdin: Buffer.from(`${script}${endMarker}\n`),
      stdout: output.out,
      stderr: output.err,
      signal: ctx.signal,
      what: 'the step'
    })
  try {
    return await startRetried(start, client, reconnectMs, ctx)
  } catch (err) {
    const pid = Number(output.err.head) || undefined
    if (!(err instanceof LostConnectionError) || ctx.signal.aborted)
      throw await execFailure(err as Error, { client, state, pid, stepId }, ctx)
    return reattach({ client, state, stepId, output, pid, reconnectMs }, err, ctx)
  }
}

export async function runScriptStep(args: ScriptStepArgs, ctx: HookContext): Promise<void> {
  const state = readState(ctx.state)
  if (!state?.jobContainer) {
    throw new InputError(
      'run_script_step needs the job container, but the saved state has none: prepare_job did not run, failed, or the job has no `container:`'
    )
  }
  const { client, config } = await kubeContext(ctx.env, state.namespace, ctx.log)
  const copy = state.storage === 'copy' ? copyTarget(client, state, ctx.signal) : undefined
  if (copy) await timedSync('into', () => pushChanges(copy), ctx)
  const code = await runStep(args, client, state, config.reconnectMs, ctx)
  // The runner reads file commands (GITHUB_OUTPUT, …) and local actions on the host.
  if (copy) await timedSync('out of', () => pullChanges(copy), ctx)
  if (debugEnabled(config.debug)) {
    const debug = { pod: state.pod, workingDirectory: args.workingDirectory, exitCode: code }
    await afterStep({ client, settings: config.debug, ...debug }, ctx)
  }
  if (code !== 0) {
    const fate = await stepFate(client, state, code, ctx)
    await recordFailure(client, state, code, ctx)
    throw new StepFailedError(code, fate ?? `The step failed with exit code ${code}`)
  }
}
