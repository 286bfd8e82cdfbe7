/**
 * A script step: one exec in the job container, output streamed live, the real exit code back.
 * On cancellation every process of the step (found by its marker variable) is stopped. When the
 * stream breaks while the step runs, exec-recover.ts takes over.
 * Talks to the engine through engine-api.ts, not dockerode (ADR 0002).
 */
import { pipeline, type Readable, type Writable } from 'node:stream'
import type { Logger } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { endTrailer } from '../specs/exec-spec'
import { demuxer, type Delivered } from './demux'
import { isConnectionError } from './engine'
import { engineStream } from './engine-api'
import { createExec, inspectExec, stopStep, type ExecTarget, type ScriptExec } from './exec-calls'
import { recoverExec, settleFromSpool } from './exec-recover'
import { spoolPruner } from './spool'
import { sleep } from './sleep'

// The engine records the exit code a moment after the output stream ends: poll briefly.
const EXIT_CODE_POLLS = 100
const EXIT_POLL_MS = 10

// node:stream's pipeline, not node:stream/promises': that module alone costs ~2 ms to load.
const pipe = (from: Readable, to: Writable): Promise<void> =>
  new Promise((resolve, reject) => pipeline(from, to, err => (err ? reject(err) : resolve())))

/**
 * The exit code once the engine has recorded it (the stream can end a moment earlier), or
 * undefined when the exec still runs: then its stream was cut, not finished.
 */
async function exitCode(config: DockerHookConfig, execId: string): Promise<number | undefined> {
  for (let i = 0; i < EXIT_CODE_POLLS; i++) {
    const info = await inspectExec(config, execId)
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode
    await sleep(EXIT_POLL_MS)
  }
  return undefined
}

export async function runExec(
  target: ExecTarget,
  step: ScriptExec,
  log: Logger,
  signal: AbortSignal
): Promise<number> {
  signal.throwIfAborted()
  const { options, marker } = step
  const execId = await createExec(target, options)
  // Without an Upgrade header the engine answers 200 and streams the frames until the exec ends.
  const stream = await engineStream(target.config, {
    method: 'POST',
    path: `/exec/${execId}/start`,
    body: { Detach: false, Tty: false }
  })
  let stopping: Promise<void> | undefined
  const onAbort = (): void => {
    stopping = stopStep(target, execId, marker, log)
      .catch((err: unknown) => log.warning(`Could not stop the step: ${(err as Error).message}`))
      // Whatever happened in the container, stop waiting for its output.
      .finally(() => stream.destroy())
  }
  signal.addEventListener('abort', onAbort, { once: true })
  let lost: unknown
  const delivered: Delivered = { out: 0, err: 0 }
  const prune = step.wrapped ? spoolPruner(target, marker, delivered) : undefined
  try {
    const trailer = step.wrapped ? endTrailer(marker) : undefined
    await pipe(
      stream,
      demuxer(step.output.stdout, step.output.stderr, { delivered, onDelivered: prune, trailer })
    )
  } catch (err) {
    if (!signal.aborted) lost = err
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  if (stopping) {
    await stopping
    signal.throwIfAborted()
  }
  const run = { target, execId, step, log, signal, delivered }
  if (lost === undefined) {
    try {
      const code = await exitCode(target.config, execId)
      if (code === undefined) lost = new Error('the output stream ended while the step still ran')
      // Ended, but without the wrapper's trailer, or with the 126 the engine also records for a
      // broken stream: whatever the stream missed is in the spool, the real code in the status.
      else if (step.wrapped && (delivered.complete !== true || code === 126)) {
        return await settleFromSpool(run, code)
      } else return code
    } catch (err) {
      if (!isConnectionError(err)) throw err
      lost = err
    }
  }
  return recoverExec(run, lost)
}
