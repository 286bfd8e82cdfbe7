/**
 * After the step's exec stream broke while the step still runs: the exec goes on in the engine
 * (no TERM, its later output discarded; see docs/docker.md), so wait for it to end, riding out
 * an engine that does not answer for up to the reconnect bound, print the output the wrapper
 * spooled from the byte where the stream stopped, and report the exit status it kept. Whatever fails here stops the step first: nothing of a failed
 * step may keep running into the next one.
 */
import {
  ConnectionWatch,
  HookError,
  ReconnectTimeoutError,
  sleepUnlessAborted,
  type Logger
} from '@container-hooks/hooklib'
import type { Delivered } from './demux'
import { isConnectionError } from './engine'
import { inspectExec, stopStep, type ExecTarget, type ScriptExec } from './exec-calls'
import { keptStatus, replaySpool } from './spool'

const POLL_MS = 250
// Cancellation must stop the step inside the runner's 7.5 s window, engine or not.
const STOP_BOUND_MS = 6000

export interface RunningExec {
  target: ExecTarget
  execId: string
  step: ScriptExec
  log: Logger
  signal: AbortSignal
  /** What the hook has of the step's output, per stream, up to the break. */
  delivered: Delivered
}

const enginePeer = (run: RunningExec): string =>
  `the Docker engine at ${run.target.config.engineUrl}`

/** Until the exec ends, prints what the step spools, as it comes: the output resumes live. */
async function waitForEnd(run: RunningExec, watch: ConnectionWatch): Promise<void> {
  const { target, step, delivered } = run
  for (;;) {
    const { Running } = await watch.call(() => inspectExec(target.config, run.execId))
    if (step.wrapped) await watch.call(() => replaySpool(target, step, delivered))
    if (!Running) return
    if (!(await sleepUnlessAborted(POLL_MS, run.signal))) run.signal.throwIfAborted()
  }
}

/** SIGTERM then SIGKILL to the step's processes, retried while the engine does not answer. */
async function stopRegardless(run: RunningExec): Promise<void> {
  const watch = new ConnectionWatch({
    boundMs: STOP_BOUND_MS,
    peer: enginePeer(run),
    signal: new AbortController().signal,
    // The outage was announced already; this watch only retries.
    log: { info: () => undefined },
    isConnectionError
  })
  run.log.info('Stopping the step in the job container')
  const quiet = { ...run.log, info: (): void => undefined }
  try {
    await watch.call(() => stopStep(run.target, run.execId, run.step.marker, quiet))
  } catch (err) {
    run.log.warning(`Could not stop the step: ${(err as Error).message}`)
  }
}

function unknownCode(run: RunningExec): HookError {
  const why = run.step.wrapped
    ? 'its exit status was not kept in the container (no mkdir or no writable /tmp in the job container, or the step was killed)'
    : 'the job container has no /bin/sh, so the step ran without the wrapper that keeps its exit status'
  return new HookError(
    `Lost the connection to the Docker engine while the step ran; the step has ended, but ${why}, and the engine does not record the exit code of an exec whose stream broke: the step is failed rather than assumed successful`
  )
}

export async function recoverExec(run: RunningExec, lost: unknown): Promise<number> {
  const watch = new ConnectionWatch({
    boundMs: run.target.config.reconnectMs,
    peer: enginePeer(run),
    signal: run.signal,
    log: run.log,
    isConnectionError
  })
  watch.lost(lost)
  try {
    await waitForEnd(run, watch)
  } catch (err) {
    if (!(err instanceof ReconnectTimeoutError) && !run.signal.aborted) throw err
    await stopRegardless(run)
    if (run.signal.aborted) throw err
    throw new HookError(`${(err as Error).message}; the step's processes were stopped`, 1, {
      cause: err
    })
  }
  const kept = run.step.wrapped
    ? await watch.call(() => keptStatus(run.target, run.step.marker))
    : undefined
  if (kept === undefined) throw unknownCode(run)
  if (!kept.spooled) {
    run.log.warning(
      "The step's output from the break on is lost: the job container lacks mkfifo, dd, tee or wc to keep it"
    )
  }
  return kept.code
}

/**
 * The exec ended but its stream may have missed the end (no trailer: the stream broke just
 * before, or the wrapper was killed with the container; or the engine's 126 for a broken
 * stream): print anything spooled beyond what arrived, and report the exit code the wrapper
 * kept, else the engine's.
 */
export async function settleFromSpool(run: RunningExec, engineCode: number): Promise<number> {
  const before = run.delivered.out + run.delivered.err
  try {
    await replaySpool(run.target, run.step, run.delivered)
    if (run.delivered.out + run.delivered.err > before) {
      run.log.info('The output stream ended early; the rest was read back from the job container')
    }
    return (await keptStatus(run.target, run.step.marker))?.code ?? engineCode
  } catch {
    // The container is going (removed, or its layer gone): the caller names that.
    return engineCode
  }
}
