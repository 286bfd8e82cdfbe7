/**
 * Pod and secret calls, and waiting for a job pod: Running within the timeout, or a fast
 * failure with the reason Kubernetes gives (pull errors, bad config, unschedulable, a container
 * that exits while starting) instead of waiting out the whole timeout.
 */
import type {
  CoreV1Event,
  CoreV1EventList,
  V1ContainerStateTerminated,
  V1ContainerStateWaiting,
  V1ContainerStatus,
  V1Pod,
  V1PodList,
  V1Secret,
  V1SecretList
} from '@kubernetes/client-node'
import { HookError } from '@container-hooks/hooklib'
import { EXTERNALS_CONTAINER } from '../specs/job-pod'
import type { KubeClient } from './client'
import { isForbidden } from './notices'

export const POLL_MS = 200
// A local image starts in about a second: poll faster at first, so as not to add a poll's wait.
const FIRST_POLLS_MS = 100
const FIRST_POLLS_FOR_MS = 5_000
// Job containers exit at once on TERM (KEEP_ALIVE); services get a moment to stop cleanly.
const DELETE_GRACE_SECONDS = 5

// Waiting reasons that never resolve by waiting longer.
export const FATAL_WAITING = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
  'RunContainerError'
])

/**
 * The kubelet's own waits, which it retries at its next sync: its watch of a new Secret or
 * ConfigMap had not caught up yet (seen under load right after the step's Secret was created).
 */
const TRANSIENT_WAITING = /failed to sync (secret|configmap) cache/

/** A waiting reason that the pod will not get past (a missing image, a missing Secret key…). */
function fatalWaiting(
  waiting: V1ContainerStateWaiting | undefined
): waiting is V1ContainerStateWaiting & { reason: string } {
  if (!waiting?.reason || !FATAL_WAITING.has(waiting.reason)) return false
  return !TRANSIENT_WAITING.test(waiting.message ?? '')
}

export const getPod = (client: KubeClient, name: string): Promise<V1Pod> =>
  client.call<V1Pod>('GET', `pods/${name}`, { verb: 'get', resource: 'pods' })

export const createPod = (client: KubeClient, pod: V1Pod): Promise<V1Pod> =>
  client.call<V1Pod>('POST', 'pods', { verb: 'create', resource: 'pods' }, pod)

export const createSecret = (client: KubeClient, secret: V1Secret): Promise<V1Secret> =>
  client.call<V1Secret>('POST', 'secrets', { verb: 'create', resource: 'secrets' }, secret)

export const listPods = (client: KubeClient, selector: string): Promise<V1PodList> =>
  client.call<V1PodList>('GET', `pods?labelSelector=${encodeURIComponent(selector)}`, {
    verb: 'list',
    resource: 'pods'
  })

export const listSecrets = (client: KubeClient, selector: string): Promise<V1SecretList> =>
  client.call<V1SecretList>('GET', `secrets?labelSelector=${encodeURIComponent(selector)}`, {
    verb: 'list',
    resource: 'secrets'
  })

export function podLogTail(
  client: KubeClient,
  pod: string,
  container: string,
  lines: number
): Promise<string> {
  return client.text(
    'GET',
    `pods/${pod}/log?container=${encodeURIComponent(container)}&tailLines=${lines}`,
    {
      verb: 'get',
      resource: 'pods/log'
    }
  )
}

/** Deletes; a missing object is fine (cleanup is idempotent). */
/** A JSON merge patch of pod `name` (annotations the hook uses to carry facts between runs). */
export async function patchPod(client: KubeClient, name: string, patch: object): Promise<void> {
  await client.call(
    'PATCH',
    `pods/${name}`,
    { verb: 'patch', resource: 'pods' },
    patch,
    'application/merge-patch+json'
  )
}

export async function deleteObject(
  client: KubeClient,
  resource: 'pods' | 'secrets',
  name: string
): Promise<void> {
  try {
    // A query parameter: the API server ignored it in a DeleteOptions body sent by node:https.
    const grace = resource === 'pods' ? `?gracePeriodSeconds=${DELETE_GRACE_SECONDS}` : ''
    await client.call('DELETE', `${resource}/${name}${grace}`, { verb: 'delete', resource })
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err
  }
}

/** The pod's events; none without "list" on events (optional: one notice, src/kube/notices). */
export async function podEventList(client: KubeClient, pod: string): Promise<CoreV1Event[]> {
  if (client.notices.isMissing('events')) return []
  const selector = encodeURIComponent(`involvedObject.name=${pod},involvedObject.kind=Pod`)
  try {
    const list = await client.call<CoreV1EventList>('GET', `events?fieldSelector=${selector}`, {
      verb: 'list',
      resource: 'events'
    })
    return list.items
  } catch (err) {
    if (!isForbidden(err)) throw err
    client.notices.missing('events')
    return []
  }
}

export async function podEvents(client: KubeClient, pod: string): Promise<string[]> {
  return (await podEventList(client, pod))
    .filter(e => e.type === 'Warning')
    .map(e => `${e.reason ?? 'Event'}: ${e.message ?? ''}`.trim())
}

/** A container that runs once and exits 0 when done (the externals copy), not a failure then. */
const runsOnce = (name: string): boolean => name === EXTERNALS_CONTAINER

/** For a container meant to run to completion (init containers, the externals copy). */
const failedWith = (done: V1ContainerStateTerminated): string =>
  `failed with code ${done.exitCode}${done.message ? `: ${done.message}` : ''}`

function describeStatus(s: V1ContainerStatus): string | undefined {
  const waiting = s.state?.waiting
  if (fatalWaiting(waiting)) {
    return `container ${s.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`
  }
  const done = s.state?.terminated
  if (done && runsOnce(s.name)) {
    return done.exitCode === 0 ? undefined : `container ${s.name} ${failedWith(done)}`
  }
  if (done) {
    return `container ${s.name} exited with code ${done.exitCode}${done.reason ? ` (${done.reason})` : ''} while the pod was starting${done.message ? `: ${done.message}` : ''}`
  }
  return undefined
}

/** Why the pod can never become Running, or undefined while it still may. */
export function startFailure(pod: V1Pod): string | undefined {
  const status = pod.status
  if (status?.phase === 'Failed' || status?.phase === 'Succeeded') {
    return `the pod ended (${status.phase})${status.message ? `: ${status.message}` : ''}`
  }
  const unschedulable = status?.conditions?.find(
    c => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'
  )
  if (unschedulable)
    return `the pod cannot be scheduled: ${unschedulable.message ?? 'Unschedulable'}`
  for (const s of status?.initContainerStatuses ?? []) {
    const done = s.state?.terminated
    if (done && done.exitCode !== 0) return `init container ${s.name} ${failedWith(done)}`
    const waiting = s.state?.waiting
    if (fatalWaiting(waiting))
      return `init container ${s.name}: ${waiting.reason}: ${waiting.message ?? ''}`
  }
  for (const s of status?.containerStatuses ?? []) {
    const failure = describeStatus(s)
    if (failure) return failure
  }
  return undefined
}

/** Every container runs, and the externals copy has exited 0. */
export function isRunning(pod: V1Pod): boolean {
  const statuses = pod.status?.containerStatuses ?? []
  const expected = pod.spec?.containers.length ?? 0
  return (
    pod.status?.phase === 'Running' &&
    statuses.length === expected &&
    statuses.every(s =>
      runsOnce(s.name) ? s.state?.terminated?.exitCode === 0 : s.state?.running !== undefined
    )
  )
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal!.reason as Error)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Polls pod `name` until `ready(pod)`, failing fast when it can never get there (`startFailure`)
 * and after `timeoutMs` with its last warning events. `what` names it in messages ("Job pod").
 */
export async function waitPod(
  client: KubeClient,
  name: string,
  what: string,
  ready: (pod: V1Pod) => boolean,
  timeoutMs: number,
  signal?: AbortSignal
): Promise<V1Pod> {
  const started = Date.now()
  const deadline = started + timeoutMs
  for (;;) {
    const pod = await getPod(client, name)
    if (ready(pod)) return pod
    const failure = startFailure(pod)
    if (failure) throw new HookError(`${what} ${name} failed to start: ${failure}`)
    if (Date.now() > deadline) {
      const events = await podEvents(client, name).catch(() => [])
      const why =
        events.length > 0 ? events.slice(-3).join('; ') : `phase ${pod.status?.phase ?? 'unknown'}`
      throw new HookError(
        `${what} ${name} was not running after ${Math.round(timeoutMs / 1000)} s (ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS): ${why}`
      )
    }
    await sleep(Date.now() - started < FIRST_POLLS_FOR_MS ? FIRST_POLLS_MS : POLL_MS, signal)
  }
}

/**
 * Resolves once every container runs, or earlier when `settled(pod)` says so (a container
 * stopped by its failed health check: the caller reports that better than "exited").
 */
export function waitRunning(
  client: KubeClient,
  name: string,
  timeoutMs: number,
  signal?: AbortSignal,
  settled: (pod: V1Pod) => boolean = () => false
): Promise<V1Pod> {
  return waitPod(client, name, 'Job pod', pod => isRunning(pod) || settled(pod), timeoutMs, signal)
}
