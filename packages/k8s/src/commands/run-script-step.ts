/**
 * run_script_step: the step's entrypoint in the job container through exec, its env sent over
 * stdin, output streamed live, the user's exit code returned. Cancelling kills the step's
 * process tree in the container; a lost stream fails the step.
 */
import {
  debugEnabled,
  CancelledError,
  HookError,
  joinRunnerArgs,
  StepFailedError,
  type HookContext,
  type ScriptStepArgs
} from '@container-hooks/hooklib'
import { randomBytes } from 'node:crypto'
import { kubeContext } from '../context'
import { afterStep } from '../debug/after-step'
import type { KubeClient } from '../kube/client'
import { exec, execQuiet, LostConnectionError } from '../kube/exec'
import { patchPod } from '../kube/pods'
import { killStepCommand, stepEnvScript, wrapperCommand } from '../specs/exec-wrapper'
import { stepFailedPatch } from '../specs/labels'
import { readState, type JobState } from '../state'
import { StepPid } from './step-pid'
import { copyTarget, pullChanges, pushChanges } from '../sync/copy'

// The runner SIGKILLs 10 s after SIGINT: the kill must be done well before.
const KILL_TIMEOUT_MS = 5_000

async function killStep(
  client: KubeClient,
  state: JobState,
  pid: number | undefined,
  stepId: string
): Promise<void> {
  const timeout = AbortSignal.timeout(KILL_TIMEOUT_MS)
  await execQuiet(client, {
    pod: state.pod,
    container: state.jobContainer!,
    command: killStepCommand(pid, stepId),
    signal: timeout,
    what: 'the kill of the cancelled step'
  })
}

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

export async function runScriptStep(args: ScriptStepArgs, ctx: HookContext): Promise<void> {
  const state = readState(ctx.state)
  if (!state?.jobContainer) {
    throw new HookError(
      'run_script_step needs the job container, but the saved state has none: prepare_job did not run, failed, or the job has no `container:`'
    )
  }
  const { client, config } = await kubeContext(ctx.env, state.namespace)
  const stepId = randomBytes(8).toString('hex')
  const endMarker = `end-of-env-${randomBytes(8).toString('hex')}`
  const script = stepEnvScript({
    stepId,
    env: args.environmentVariables,
    prependPath: args.prependPath,
    workingDirectory: args.workingDirectory
  })
  const copy = state.storage === 'copy' ? copyTarget(client, state, ctx.signal) : undefined
  if (copy) await timedSync('into', () => pushChanges(copy), ctx)
  const stderr = new StepPid(ctx.stderr)
  let code: number
  try {
    code = await exec(client, {
      pod: state.pod,
      container: state.jobContainer,
      command: wrapperCommand(endMarker, args.entryPoint, joinRunnerArgs(args.entryPointArgs)),
      stdin: Buffer.from(`${script}${endMarker}\n`),
      stdout: ctx.stdout,
      stderr,
      signal: ctx.signal,
      what: 'the step'
    })
  } catch (err) {
    if (ctx.signal.aborted || err instanceof LostConnectionError) {
      // The process in the pod outlives the exec connection: stop it, best effort.
      await killStep(client, state, stderr.pid, stepId).catch((killErr: Error) =>
        ctx.log.warning(
          `Could not stop the step's processes in pod ${state.pod}: ${killErr.message}`
        )
      )
    }
    if (ctx.signal.aborted)
      throw ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError()
    throw err
  }
  // The runner reads file commands (GITHUB_OUTPUT, …) and local actions on the host.
  if (copy) await timedSync('out of', () => pullChanges(copy), ctx)
  if (debugEnabled(config.debug)) {
    const debug = { pod: state.pod, workingDirectory: args.workingDirectory, exitCode: code }
    await afterStep({ client, settings: config.debug, ...debug }, ctx)
  }
  if (code !== 0) {
    await recordFailure(client, state, code, ctx)
    throw new StepFailedError(code, `The step failed with exit code ${code}`)
  }
}

/**
 * Marks the job pod so cleanup_job shows the job container's logs (a failed step's response,
 * state included, never reaches the runner). Best effort: the step's own failure is what must
 * be reported.
 */
async function recordFailure(
  client: KubeClient,
  state: JobState,
  code: number,
  ctx: HookContext
): Promise<void> {
  await patchPod(client, state.pod, stepFailedPatch(code)).catch((err: Error) =>
    ctx.log.debug(`Could not mark job pod ${state.pod} with the failed step: ${err.message}`)
  )
}
