/**
 * The job container's side of a script step beyond its exec: what became of the pod under a
 * failed step, stopping a cancelled step's processes, and marking the job pod when a step
 * failed. A cut exec stream is re-attached (reattach.ts).
 */
import { CancelledError, type HookContext } from '@container-hooks/hooklib'
import { killStepCommand } from '../specs/exec-wrapper'
import { stepFailedPatch } from '../specs/labels'
import type { JobState } from '../state'
import type { KubeClient } from './client'
import { execQuiet } from './exec'
import { readJobContainerFate } from './job-container-fate'
import { patchPod } from './pods'

// The runner SIGKILLs 10 s after SIGINT: the kill must be done well before.
const KILL_TIMEOUT_MS = 5_000

/** Kills the step's process tree (specs/exec-wrapper killStepCommand), bounded in time. */
export async function killStep(
  client: KubeClient,
  state: JobState,
  pid: number | undefined,
  stepId: string,
  timeoutMs = KILL_TIMEOUT_MS
): Promise<void> {
  const timeout = AbortSignal.timeout(timeoutMs)
  await execQuiet(client, {
    pod: state.pod,
    container: state.jobContainer!,
    command: killStepCommand(pid, stepId),
    signal: timeout,
    what: 'the kill of the cancelled step'
  })
}

/**
 * Marks the job pod so cleanup_job shows the job container's logs (a failed step's response,
 * state included, never reaches the runner). Best effort: the step's own failure is what must
 * be reported.
 */
export async function recordFailure(
  client: KubeClient,
  state: JobState,
  code: number,
  ctx: HookContext
): Promise<void> {
  await patchPod(client, state.pod, stepFailedPatch(code)).catch((err: Error) =>
    ctx.log.debug(`Could not mark job pod ${state.pod} with the failed step: ${err.message}`)
  )
}

/** Why the pod or job container, not the step, ended the step; undefined when it did not. */
export function stepFate(
  client: KubeClient,
  state: JobState,
  code: number | undefined,
  ctx: HookContext
): Promise<string | undefined> {
  return readJobContainerFate(client, state.pod, state.jobContainer!, code).catch((err: Error) => {
    ctx.log.debug(`Could not read what became of job pod ${state.pod}: ${err.message}`)
    return undefined
  })
}

export interface RunningStep {
  client: KubeClient
  state: JobState
  /** The wrapper's PID, once it reported it. */
  pid: number | undefined
  stepId: string
}

/**
 * The error a step's failed exec (not a cut stream: that is re-attached) ends the step with. A
 * cancelled step's processes, which outlive the exec connection, are stopped first (best effort).
 */
export async function execFailure(err: Error, step: RunningStep, ctx: HookContext): Promise<Error> {
  const { client, state } = step
  if (!ctx.signal.aborted) return err
  await killStep(client, state, step.pid, step.stepId).catch((killErr: Error) =>
    ctx.log.warning(`Could not stop the step's processes in pod ${state.pod}: ${killErr.message}`)
  )
  return ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError()
}
