/**
 * Waits until every container that has a health check (its image's or from `options:`) is
 * healthy. Polls with a back-off capped at a few seconds, within the prepare_job deadline.
 */
import type Docker from 'dockerode'
import { HookError, sleepUnlessAborted, type Logger } from '@container-hooks/hooklib'
import { recentLogs } from './containers'

export interface Watched {
  id: string
  /** For messages: `service "redis" (redis:7)`. */
  description: string
}

const FIRST_POLL_MS = 250
const MAX_POLL_MS = 1000

function lastCheckOutput(state: Docker.ContainerInspectInfo['State']): string {
  const log = state.Health?.Log ?? []
  const output = log[log.length - 1]?.Output?.trim()
  return output ? output : '(no output)'
}

async function failure(
  docker: Docker,
  w: Watched,
  reason: string,
  output: string,
  log: Logger
): Promise<HookError> {
  const logs = await recentLogs(docker, w.id)
  log.info(`Recent logs of ${w.description}:`)
  log.info(logs === '' ? '(empty)' : logs)
  return new HookError(`The ${w.description} ${reason}. Last health check output: ${output}`)
}

async function waitOne(
  docker: Docker,
  w: Watched,
  deadline: number,
  log: Logger,
  signal: AbortSignal
): Promise<Docker.ContainerInspectInfo> {
  const started = Date.now()
  let delay = FIRST_POLL_MS
  let announced = false
  for (;;) {
    signal.throwIfAborted()
    const info = await docker.getContainer(w.id).inspect()
    const { State } = info
    const status = State.Health?.Status
    if (status === undefined || status === 'none') return info
    if (status === 'healthy') {
      if (announced)
        log.info(
          `The ${w.description} is healthy after ${((Date.now() - started) / 1000).toFixed(1)}s`
        )
      return info
    }
    if (!State.Running) {
      throw await failure(
        docker,
        w,
        `exited with code ${State.ExitCode} before its health check passed`,
        lastCheckOutput(State),
        log
      )
    }
    if (status === 'unhealthy')
      throw await failure(docker, w, 'is unhealthy', lastCheckOutput(State), log)
    if (Date.now() >= deadline) {
      const seconds = Math.round((Date.now() - started) / 1000)
      throw await failure(
        docker,
        w,
        `was not healthy after ${seconds}s (ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS)`,
        lastCheckOutput(State),
        log
      )
    }
    if (!announced) log.info(`Waiting for the ${w.description} to be healthy`)
    announced = true
    await sleepUnlessAborted(Math.min(delay, Math.max(0, deadline - Date.now())), signal)
    delay = Math.min(delay * 2, MAX_POLL_MS)
  }
}

/** Resolves each container's inspect info once it is healthy (or has no health check). */
export async function waitHealthy(
  docker: Docker,
  watched: Watched[],
  deadline: number,
  log: Logger,
  signal: AbortSignal
): Promise<Docker.ContainerInspectInfo[]> {
  // The first failure stops the other waits: prepare_job is failing anyway.
  const stop = new AbortController()
  const both = AbortSignal.any([signal, stop.signal])
  return Promise.all(
    watched.map(w =>
      waitOne(docker, w, deadline, log, both).catch((err: unknown) => {
        stop.abort(err)
        throw err
      })
    )
  )
}
