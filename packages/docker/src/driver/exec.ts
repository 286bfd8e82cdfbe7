/**
 * A script step: one exec in the job container, output streamed live, the real exit code back.
 * On cancellation every process of the step (found by its marker variable) is stopped.
 * Talks to the engine through engine-api.ts, not dockerode (ADR 0002).
 */
import { pipeline, type Readable, type Writable } from 'node:stream'
import { HookError, type Logger } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { killExecCommand, type ExecOptions } from '../specs/exec-spec'
import { demuxer } from './demux'
import { engineCall, engineStream } from './engine-api'

// The engine records the exit code a moment after the output stream ends: poll briefly.
const EXIT_CODE_POLLS = 100
const EXIT_POLL_MS = 10
const STOP_POLL_MS = 100
const TERM_GRACE_MS = 3000

// node:stream's pipeline, not node:stream/promises': that module alone costs ~2 ms to load.
const pipe = (from: Readable, to: Writable): Promise<void> =>
  new Promise((resolve, reject) => pipeline(from, to, err => (err ? reject(err) : resolve())))

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

interface ExecTarget {
  config: DockerHookConfig
  containerId: string
}

interface ExecState {
  Running: boolean
  ExitCode: number | null
}

async function createExec(target: ExecTarget, options: ExecOptions): Promise<string> {
  const created = await engineCall<{ Id: string }>(target.config, {
    method: 'POST',
    path: `/containers/${encodeURIComponent(target.containerId)}/exec`,
    body: options
  })
  return created.Id
}

function inspectExec(config: DockerHookConfig, execId: string): Promise<ExecState> {
  return engineCall<ExecState>(config, { method: 'GET', path: `/exec/${execId}/json` })
}

async function signalStep(
  target: ExecTarget,
  marker: string,
  signal: 'TERM' | 'KILL'
): Promise<void> {
  const id = await createExec(target, {
    Cmd: killExecCommand(marker, signal),
    AttachStdout: false,
    AttachStderr: false
  })
  await engineCall(target.config, {
    method: 'POST',
    path: `/exec/${id}/start`,
    body: { Detach: true }
  })
}

async function isRunning(config: DockerHookConfig, execId: string): Promise<boolean> {
  return (await inspectExec(config, execId)).Running
}

/** SIGTERM, then SIGKILL after a grace period: well inside the runner's 7.5 s window. */
async function stopStep(
  target: ExecTarget,
  execId: string,
  marker: string,
  log: Logger
): Promise<void> {
  log.info('Stopping the step in the job container')
  await signalStep(target, marker, 'TERM')
  const until = Date.now() + TERM_GRACE_MS
  while (Date.now() < until && (await isRunning(target.config, execId))) await sleep(STOP_POLL_MS)
  if (await isRunning(target.config, execId)) await signalStep(target, marker, 'KILL')
}

/** The exit code once the engine has recorded it; the stream can end a moment earlier. */
async function exitCode(config: DockerHookConfig, execId: string): Promise<number> {
  for (let i = 0; i < EXIT_CODE_POLLS; i++) {
    const info = await inspectExec(config, execId)
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode
    await sleep(EXIT_POLL_MS)
  }
  throw new HookError(
    'The connection to the Docker engine ended before the step finished: no exit code was recorded, so the step is failed rather than assumed successful'
  )
}

export async function runExec(
  target: ExecTarget,
  options: ExecOptions,
  marker: string,
  log: Logger,
  signal: AbortSignal
): Promise<number> {
  signal.throwIfAborted()
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
  try {
    await pipe(stream, demuxer(process.stdout, process.stderr))
  } catch (err) {
    if (!signal.aborted) throw err
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  if (stopping) {
    await stopping
    signal.throwIfAborted()
  }
  return exitCode(target.config, execId)
}
