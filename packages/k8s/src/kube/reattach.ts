/**
 * A script step whose exec connection dropped while it ran (ADR 0005): the step goes on in the
 * job container under its spool, so the hook says once that the connection is lost, opens a new
 * exec that copies the spool from the bytes it has delivered, says once that it is back, and
 * exits with the step's own exit code. It gives up when the pod no longer runs the job
 * container, when the job container keeps no spool, or when the API server stays away for the
 * reconnect bound: then it stops the step's processes first, and fails with the reason.
 */
import {
  CancelledError,
  HookError,
  sleepUnlessAborted,
  type HookContext
} from '@container-hooks/hooklib'
import { reattachCommand, reattachMode, REATTACH_PREFIX } from '../specs/step-spool'
import type { JobState } from '../state'
import { KubeApiError, type KubeClient } from './client'
import { apiWatch, isApiConnectionError } from './api-connection'
import { exec } from './exec'
import { getPod } from './pods'
import { killStep, stepFate } from './script-step'
import type { StepOutput } from './step-stream'

// Stopping the step must end inside the runner's 7.5 s window after a SIGINT, API or not.
const STOP_BOUND_MS = 6_000
const STOP_RETRY_MS = 250

export interface AttachedStep {
  client: KubeClient
  state: JobState
  stepId: string
  output: StepOutput
  /** The wrapper's PID while its exec is the step's reader; dropped once re-attached. */
  pid: number | undefined
  reconnectMs: number
}

/** Why the step cannot be re-attached: the connection is not what is missing. */
class CannotReattach extends HookError {}

/** Throws CannotReattach unless the job pod still runs the job container. */
async function checkPod(step: AttachedStep): Promise<void> {
  const { pod: name, jobContainer } = step.state
  const pod = await getPod(step.client, name).catch((err: Error) => {
    if (err instanceof KubeApiError && err.status === 404)
      throw new CannotReattach(`the job pod ${name} is gone`)
    throw err
  })
  const container = pod.status?.containerStatuses?.find(s => s.name === jobContainer)
  if (pod.status?.phase !== 'Running' || container?.state?.running === undefined) {
    throw new CannotReattach(
      `the job pod ${name} no longer runs its job container (pod phase ${pod.status?.phase ?? 'unknown'})`
    )
  }
}

/** A new reader of the step's spool from the delivered bytes; resolves with its end once it runs. */
async function openReader(
  step: AttachedStep,
  signal: AbortSignal
): Promise<{ done: Promise<number> }> {
  await step.output.flushed()
  await checkPod(step)
  const { out, err } = step.output
  err.expectHead(REATTACH_PREFIX)
  return new Promise((resolve, reject) => {
    const done = exec(step.client, {
      pod: step.state.pod,
      container: step.state.jobContainer!,
      command: reattachCommand(step.stepId, step.output.delivered()),
      stdout: out,
      stderr: err,
      signal,
      what: 'the step',
      onOpen: () => resolve({ done })
    })
    done.catch(reject)
  })
}

/** The step's exit code, as its re-attached reader reports it. */
function settled(step: AttachedStep, code: number, ctx: HookContext): number {
  const mode = reattachMode(step.output.err.head)
  if (mode === undefined || mode === 'none') {
    throw new CannotReattach(
      `the job container keeps no record of the step (no writable /tmp, or the connection dropped before the step started)`
    )
  }
  step.output.out.endLine(true)
  if (mode === 'status') {
    ctx.log.warning(
      "The step's output from the break on is lost: the job container lacks dd, head, tail, ls or mkfifo to keep it"
    )
  }
  return code
}

/** Re-attaches until the step ends; every new cut starts another round of reconnecting. */
async function follow(step: AttachedStep, lost: Error, ctx: HookContext): Promise<number> {
  // Said between the step's lines, never inside one.
  const log = { info: (msg: string) => step.output.out.atLineStart(() => ctx.log.info(msg)) }
  const watch = apiWatch(step.client, step.reconnectMs, ctx.signal, log)
  watch.lost(lost)
  for (;;) {
    const { done } = await watch.call(() => openReader(step, ctx.signal))
    // The wrapper is no longer the reader: its PID may be reused once it is gone.
    step.pid = undefined
    try {
      const code = await done
      await step.output.flushed()
      return settled(step, code, ctx)
    } catch (err) {
      if (!isApiConnectionError(err) || ctx.signal.aborted) throw err
      watch.lost(err)
    }
  }
}

/** Stops the step's processes, retried while the API server does not answer, within 6 s. */
async function stopRegardless(step: AttachedStep, ctx: HookContext): Promise<void> {
  const until = Date.now() + STOP_BOUND_MS
  const never = new AbortController().signal
  for (;;) {
    try {
      await killStep(step.client, step.state, step.pid, step.stepId, until - Date.now())
      return
    } catch (err) {
      const retry = isApiConnectionError(err) && Date.now() + STOP_RETRY_MS < until
      if (!retry) {
        const message = `Could not stop the step's processes: ${(err as Error).message}`
        if (isApiConnectionError(err)) ctx.log.warning(message)
        else ctx.log.debug(message)
        return
      }
    }
    await sleepUnlessAborted(STOP_RETRY_MS, never)
  }
}

/**
 * After the step's exec stream broke (`lost`): the step's exit code once re-attached, or, when
 * that cannot be, the step stopped and an error with the reason.
 */
export async function reattach(step: AttachedStep, lost: Error, ctx: HookContext): Promise<number> {
  step.pid ??= Number(step.output.err.head) || undefined
  try {
    return await follow(step, lost, ctx)
  } catch (err) {
    step.output.out.endLine(false)
    ctx.log.info("Stopping the step's processes in the job container")
    await stopRegardless(step, ctx)
    if (ctx.signal.aborted) {
      throw ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError()
    }
    const fate = await stepFate(step.client, step.state, undefined, ctx)
    const why =
      err instanceof CannotReattach
        ? `Lost the connection to the pod while the step was running, and could not re-attach: ${err.message}`
        : (err as Error).message
    throw new HookError(fate ?? `${why}; the step's processes were stopped`, 1, { cause: err })
  }
}
