/**
 * PURE: what happened to the job pod or its job container under a failed step, from the pod as
 * the API server has it, as the one `::error::` line the step fails with. undefined: the pod
 * and container are fine, the step itself failed.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node'
import { OOM_EXIT_CODE, oomKilledMessage } from '@container-hooks/hooklib'

export const JOB_POD_DELETED =
  'The job pod was deleted while the step ran (not by this hook: kubectl delete, a controller, or another cleanup)'

const MEMORY_SETTING = 'options: --memory, or resources.limits.memory in the pod template'

// The reasons Kubernetes gives a pod's DisruptionTarget condition, as the cause in our words.
const DISRUPTIONS: Record<string, string> = {
  DeletionByTaintManager: 'its node stopped answering (node lost) and Kubernetes deleted the pod',
  EvictionByEvictionAPI: 'it was evicted through the Eviction API (a node drain, or an autoscaler)',
  PreemptionByScheduler: 'the scheduler preempted it for a pod of higher priority',
  DeletionByPodGC: 'its node is gone and the pod garbage collector deleted it',
  TerminationByKubelet: 'the kubelet stopped it'
}

function disruption(pod: V1Pod): string | undefined {
  const condition = pod.status?.conditions?.find(
    c => c.type === 'DisruptionTarget' && c.status === 'True'
  )
  const cause = condition?.reason === undefined ? undefined : DISRUPTIONS[condition.reason]
  if (cause === undefined) return undefined
  const detail = condition?.message ? ` (${condition.message})` : ''
  return `The job pod was stopped while the step ran: ${cause}${detail}`
}

function evicted(message: string | undefined): string {
  return `The job pod was evicted by the kubelet while the step ran: ${message?.trim() || 'no reason given'}`
}

/**
 * The pod-level part: evicted, node lost or shut down, disrupted, deleted. A pod whose
 * containers all exit 0 on the eviction's TERM ends `Succeeded` without the `Evicted` reason
 * (kubelet 1.34): then only the kubelet's `Evicted` event says so.
 */
export function podFate(pod: V1Pod, events: CoreV1Event[] = []): string | undefined {
  const reason = pod.status?.reason
  const message = pod.status?.message?.trim()
  if (reason === 'Evicted') return evicted(message)
  const event = events.find(e => e.reason === 'Evicted')
  if (event !== undefined) return evicted(event.message)
  if (reason === 'NodeLost') {
    return `The job pod's node ${pod.spec?.nodeName ?? ''} stopped answering while the step ran (node lost)`
  }
  if (reason === 'Terminated' || reason === 'Shutdown' || reason === 'NodeShutdown') {
    return `The job pod was stopped while the step ran: its node shut down (${message ?? reason})`
  }
  return (
    disruption(pod) ?? (pod.metadata?.deletionTimestamp === undefined ? undefined : JOB_POD_DELETED)
  )
}

/**
 * `pod` null: the API server no longer has the pod. `code`: the step's exit code, undefined when
 * the exec ended without one. `oomCounted`: the container's cgroup counted an OOM kill.
 * `events`: the pod's events, read when the pod alone does not tell.
 */
export function jobContainerFate(
  pod: V1Pod | null,
  container: string,
  code: number | undefined,
  oomCounted = false,
  events: CoreV1Event[] = []
): string | undefined {
  if (pod === null) return JOB_POD_DELETED
  const status = pod.status?.containerStatuses?.find(c => c.name === container)
  const terminated = status?.state?.terminated
  const limit = pod.spec?.containers.find(c => c.name === container)?.resources?.limits?.memory
  if (terminated?.reason === 'OOMKilled' || (oomCounted && code === OOM_EXIT_CODE)) {
    return oomKilledMessage(limit, MEMORY_SETTING)
  }
  const fate = podFate(pod, events)
  if (fate !== undefined) return fate
  if (terminated !== undefined) {
    return `The job container stopped while the step ran (${terminated.reason ?? 'terminated'}, exit code ${terminated.exitCode}: killed or stopped by something other than this hook)`
  }
  return undefined
}
