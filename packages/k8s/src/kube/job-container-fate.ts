/**
 * Reads what became of the job pod and its job container after a failed or cut step
 * (specs/job-container-fate). The kubelet reports a killed container or an eviction a moment
 * after the step's exec ended, so the pod is read again for a short while when it still looks
 * fine; for exit code 137 the container's own cgroup counter says whether it was an OOM kill.
 */
import type { V1ContainerState, V1Pod } from '@kubernetes/client-node'
import { OOM_COUNTED_EXIT, OOM_COUNTER_SCRIPT, OOM_EXIT_CODE } from '@container-hooks/hooklib'
import { jobContainerFate, podFate } from '../specs/job-container-fate'
import { KubeApiError, type KubeClient } from './client'
import { execQuiet } from './exec'
import { getPod, podEventList, sleep } from './pods'

// Up to 3 s: the kubelet's status updates come every few seconds at worst.
const SETTLE_POLLS = 20
const POLL_MS = 150
const OOM_CHECK_MS = 5_000

async function readPod(client: KubeClient, name: string): Promise<V1Pod | null> {
  try {
    return await getPod(client, name)
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return null
    throw err
  }
}

async function countedOomKill(client: KubeClient, pod: string, container: string) {
  const code = await execQuiet(client, {
    pod,
    container,
    command: ['sh', '-c', OOM_COUNTER_SCRIPT],
    signal: AbortSignal.timeout(OOM_CHECK_MS),
    what: 'the check for an OOM kill'
  }).catch(() => undefined)
  return code === OOM_COUNTED_EXIT
}

/**
 * The reason the step failed when it was the pod's or the job container's, not the step's own.
 * `code` undefined: the exec ended without an exit code.
 */
export async function readJobContainerFate(
  client: KubeClient,
  podName: string,
  container: string,
  code: number | undefined
): Promise<string | undefined> {
  let pod = await readPod(client, podName)
  let fate = jobContainerFate(pod, container, code)
  if (fate === undefined && code !== undefined && code !== OOM_EXIT_CODE) return undefined
  const state = (): V1ContainerState | undefined =>
    pod?.status?.containerStatuses?.find(c => c.name === container)?.state
  if (fate === undefined && code === OOM_EXIT_CODE && state()?.running !== undefined) {
    if (await countedOomKill(client, podName, container))
      return jobContainerFate(pod, container, code, true)
  }
  // The kubelet reports the killed container first and the pod's eviction a moment later.
  const settled = (): boolean =>
    pod === null || podFate(pod) !== undefined || state()?.terminated?.reason === 'OOMKilled'
  for (let i = 0; !settled() && i < SETTLE_POLLS; i++) {
    await sleep(POLL_MS)
    pod = await readPod(client, podName)
    fate = jobContainerFate(pod, container, code)
  }
  if (settled() || (fate === undefined && code !== undefined)) return fate
  // A stopped container or a cut stream that the pod does not explain: the events may.
  const events = await podEventList(client, podName).catch(() => [])
  return jobContainerFate(pod, container, code, false, events)
}
