/**
 * Waits until every container of the job pod with a startup probe (its `--health-cmd`) has
 * passed it, within the prepare_job deadline. An unhealthy container (the kubelet stopped it
 * after its failed checks), one that exits first, or the deadline fails prepare_job with one
 * error naming the container and its last health-check output, after its recent logs.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node'
import { HookError, type Logger } from '@container-hooks/hooklib'
import { JOB_CONTAINER } from '../specs/job-pod'
import type { KubeClient } from './client'
import { getPod, podEventList, podLogTail, sleep, startFailure } from './pods'

const FIRST_POLL_MS = 250
const MAX_POLL_MS = 1000
const LOG_LINES = 50
// The kubelet records its events asynchronously: how often to look again for them.
const EVENT_TRIES = 5
const EVENT_RETRY_MS = 400

export type Health = 'healthy' | 'starting' | 'stopped'

/** Containers whose spec has a startup probe, in pod order. */
export function probedContainers(pod: V1Pod): string[] {
  return (pod.spec?.containers ?? []).filter(c => c.startupProbe).map(c => c.name)
}

export function healthOf(pod: V1Pod, container: string): Health {
  const status = pod.status?.containerStatuses?.find(s => s.name === container)
  if (status?.started === true) return 'healthy'
  return status?.state?.terminated ? 'stopped' : 'starting'
}

/** True once a probed container stopped before it was healthy: nothing more to wait for. */
export function healthStopped(pod: V1Pod): boolean {
  return probedContainers(pod).some(c => healthOf(pod, c) === 'stopped')
}

/** For messages, as the Docker hook words them: `service "redis" (redis:7)`. */
export function describeContainer(pod: V1Pod, container: string): string {
  const image = pod.spec?.containers.find(c => c.name === container)?.image ?? '?'
  return container === JOB_CONTAINER
    ? `job container (${image})`
    : `service "${container}" (${image})`
}

const forContainer = (e: CoreV1Event, container: string): boolean =>
  e.involvedObject.fieldPath === `spec.containers{${container}}`

const when = (e: CoreV1Event): number =>
  Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '')) || 0

/** The output of the container's last failed startup probe, from the kubelet's events. */
export function lastProbeOutput(events: CoreV1Event[], container: string): string | undefined {
  const failures = events
    .filter(e => e.reason === 'Unhealthy' && forContainer(e, container))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => when(a.e) - when(b.e) || a.i - b.i)
  const last = failures[failures.length - 1]?.e.message
  if (last === undefined) return undefined
  // "Startup probe failed: <output>", possibly "(combined from similar events): " first.
  return last.replace(/^[^]*?Startup probe [^:]*: ?/, '').trim() || '(no output)'
}

/** Whether the kubelet stopped the container because its startup probe failed. */
export function killedByProbe(events: CoreV1Event[], container: string): boolean {
  return events.some(
    e =>
      e.reason === 'Killing' && forContainer(e, container) && /startup probe/i.test(e.message ?? '')
  )
}

async function eventsAfterStop(
  client: KubeClient,
  pod: string,
  container: string,
  signal?: AbortSignal
): Promise<CoreV1Event[]> {
  let events: CoreV1Event[] = []
  for (let i = 0; i < EVENT_TRIES; i++) {
    events = await podEventList(client, pod).catch(() => [])
    if (killedByProbe(events, container) || client.notices.isMissing('events')) break
    await sleep(EVENT_RETRY_MS, signal)
  }
  return events
}

/** Prints the container's recent logs and returns the error for it. */
async function failure(
  client: KubeClient,
  pod: V1Pod,
  containers: string[],
  reason: (container: string, events: CoreV1Event[]) => string,
  log: Logger,
  signal?: AbortSignal
): Promise<HookError> {
  const name = pod.metadata!.name!
  const sentences: string[] = []
  for (const container of containers) {
    const stopped = healthOf(pod, container) === 'stopped'
    const events = stopped
      ? await eventsAfterStop(client, name, container, signal)
      : await podEventList(client, name).catch(() => [])
    const description = describeContainer(pod, container)
    const logs = await podLogTail(client, name, container, LOG_LINES).catch(
      (err: Error) => `(could not read the logs: ${err.message})`
    )
    log.info(`Recent logs of the ${description}:`)
    log.info(logs.replace(/\n$/, '') || '(empty)')
    const output =
      lastProbeOutput(events, container) ??
      (client.notices.isMissing('events')
        ? '(unknown: the kubelet reports it in events, which the hook may not list)'
        : '(no health check ran yet)')
    sentences.push(
      `The ${description} ${reason(container, events)}. Last health check output: ${output}`
    )
  }
  return new HookError(sentences.join(' '))
}

function stoppedReason(pod: V1Pod): (container: string, events: CoreV1Event[]) => string {
  return (container, events) => {
    if (killedByProbe(events, container) || lastProbeOutput(events, container) !== undefined)
      return 'is unhealthy'
    const done = pod.status?.containerStatuses?.find(s => s.name === container)?.state?.terminated
    return `exited with code ${done?.exitCode ?? '?'} before its health check passed`
  }
}

/** `pod` is the job pod as waitRunning left it; returns once every probed container is healthy. */
export async function waitHealthy(
  client: KubeClient,
  initial: V1Pod,
  deadline: number,
  log: Logger,
  signal?: AbortSignal
): Promise<void> {
  const name = initial.metadata!.name!
  const started = Date.now()
  const pending = new Set(probedContainers(initial))
  if (pending.size === 0) return
  for (const c of pending)
    log.info(`Waiting for the ${describeContainer(initial, c)} to be healthy`)
  let pod = initial
  let delay = FIRST_POLL_MS
  for (;;) {
    for (const c of pending) {
      const health = healthOf(pod, c)
      if (health === 'stopped')
        throw await failure(client, pod, [c], stoppedReason(pod), log, signal)
      if (health === 'healthy') {
        const seconds = ((Date.now() - started) / 1000).toFixed(1)
        log.info(`The ${describeContainer(pod, c)} is healthy after ${seconds}s`)
        pending.delete(c)
      }
    }
    if (pending.size === 0) return
    const other = startFailure(pod)
    if (other) throw new HookError(`Job pod ${name} failed to start: ${other}`)
    if (Date.now() >= deadline) {
      const seconds = Math.round((Date.now() - started) / 1000)
      const reason = `was not healthy after ${seconds}s (ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS)`
      throw await failure(client, pod, [...pending], () => reason, log, signal)
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), signal)
    delay = Math.min(delay * 2, MAX_POLL_MS)
    pod = await getPod(client, name)
  }
}
