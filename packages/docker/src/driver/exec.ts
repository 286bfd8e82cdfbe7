/**
 * A script step: one exec in the job container, output streamed live, the real exit code back.
 * On cancellation every process of the step (found by its marker variable) is stopped.
 */
import { pipeline } from 'node:stream/promises'
import type Docker from 'dockerode'
import { HookError, type Logger } from '@container-hooks/hooklib'
import { killExecCommand } from '../specs/exec-spec'
import { demuxer } from './demux'

// The engine records the exit code a moment after the output stream ends: poll briefly.
const EXIT_CODE_POLLS = 100
const EXIT_POLL_MS = 10
const STOP_POLL_MS = 100
const TERM_GRACE_MS = 3000

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

async function signalStep(
  container: Docker.Container,
  marker: string,
  signal: 'TERM' | 'KILL'
): Promise<void> {
  const kill = await container.exec({
    Cmd: killExecCommand(marker, signal),
    AttachStdout: false,
    AttachStderr: false
  })
  await kill.start({ Detach: true })
}

async function isRunning(exec: Docker.Exec): Promise<boolean> {
  return (await exec.inspect()).Running
}

/** SIGTERM, then SIGKILL after a grace period: well inside the runner's 7.5 s window. */
async function stopStep(
  container: Docker.Container,
  exec: Docker.Exec,
  marker: string,
  log: Logger
): Promise<void> {
  log.info('Stopping the step in the job container')
  await signalStep(container, marker, 'TERM')
  const until = Date.now() + TERM_GRACE_MS
  while (Date.now() < until && (await isRunning(exec))) await sleep(STOP_POLL_MS)
  if (await isRunning(exec)) await signalStep(container, marker, 'KILL')
}

/** The exit code once the engine has recorded it; the stream can end a moment earlier. */
async function exitCode(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < EXIT_CODE_POLLS; i++) {
    const info = await exec.inspect()
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode
    await sleep(EXIT_POLL_MS)
  }
  throw new HookError(
    'The connection to the Docker engine ended before the step finished: no exit code was recorded, so the step is failed rather than assumed successful'
  )
}

export async function runExec(
  container: Docker.Container,
  options: Docker.ExecCreateOptions,
  marker: string,
  log: Logger,
  signal: AbortSignal
): Promise<number> {
  signal.throwIfAborted()
  const exec = await container.exec(options)
  const stream = await exec.start({ hijack: true, stdin: false })
  let stopping: Promise<void> | undefined
  const onAbort = (): void => {
    stopping = stopStep(container, exec, marker, log)
      .catch((err: unknown) => log.warning(`Could not stop the step: ${(err as Error).message}`))
      // Whatever happened in the container, stop waiting for its output.
      .finally(() => stream.destroy())
  }
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await pipeline(stream, demuxer(process.stdout, process.stderr))
  } catch (err) {
    if (!signal.aborted) throw err
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
  if (stopping) {
    await stopping
    signal.throwIfAborted()
  }
  return exitCode(exec)
}
