/**
 * PURE: the ephemeral container that prints diagnostics inside a job pod (it targets the job
 * container, so it sees its processes, and mounts the work volumes), what the hook reports about
 * the pod from the API, and the hold annotations with the commands a person runs meanwhile.
 */
import type {
  V1ContainerState,
  V1ContainerStatus,
  V1EphemeralContainer,
  V1Pod,
  V1VolumeMount
} from '@kubernetes/client-node'
import { diagnosticsCommand } from '@container-hooks/hooklib'
import { JOB_CONTAINER } from './job-pod'

/** Set by the hook after a failed step: the pod is kept until this time (ISO 8601). */
export const ANNOTATION_HOLD_UNTIL = 'container-hooks.github.io/hold-until'
/** Set by a person (`kubectl annotate`, any value) to end the hold at once. */
export const ANNOTATION_RELEASE = 'container-hooks.github.io/release'

/**
 * The job container's volume mounts, read-only. Kubernetes refuses subPath mounts in ephemeral
 * containers; those paths (/github/home, /github/workflow) are under /__w/_temp anyway.
 */
export function debugMounts(pod: V1Pod): V1VolumeMount[] {
  const job = pod.spec?.containers.find(c => c.name === JOB_CONTAINER)
  return (job?.volumeMounts ?? [])
    .filter(m => !m.subPath && !m.subPathExpr)
    .map(m => ({ name: m.name, mountPath: m.mountPath, readOnly: true }))
}

export function debugContainerSpec(
  name: string,
  image: string,
  mounts: V1VolumeMount[],
  workingDirectory: string
): V1EphemeralContainer {
  return {
    name,
    image,
    // Kubernetes expands $(VAR) in commands and turns $$ into $: doubling every $ undoes it.
    command: diagnosticsCommand(workingDirectory).map(arg => arg.replace(/\$/g, '$$$$')),
    targetContainerName: JOB_CONTAINER,
    volumeMounts: mounts,
    stdin: false,
    tty: false
  }
}

function describeState(state: V1ContainerState | undefined): string {
  if (state?.running) return `running since ${String(state.running.startedAt ?? '?')}`
  if (state?.waiting)
    return `waiting (${state.waiting.reason ?? '?'}${state.waiting.message ? `: ${state.waiting.message}` : ''})`
  const done = state?.terminated
  if (done)
    return `terminated with exit code ${done.exitCode}${done.reason ? ` (${done.reason})` : ''}${done.message ? `: ${done.message}` : ''}`
  return 'unknown'
}

function memoryLimit(pod: V1Pod, container: string): string {
  const spec = pod.spec?.containers.find(c => c.name === container)
  return spec?.resources?.limits?.memory ?? 'none'
}

function statusLine(pod: V1Pod, s: V1ContainerStatus): string {
  const last = s.lastState?.terminated ? `; before: ${describeState(s.lastState)}` : ''
  return `container ${s.name}: ${describeState(s.state)}; restarts ${s.restartCount}; memory limit ${memoryLimit(pod, s.name)}${last}`
}

/** What the API says about the pod's health: states, termination reasons, OOM kills, events. */
export function podReport(pod: V1Pod, events: string[]): string[] {
  const status = pod.status
  const statuses = status?.containerStatuses ?? []
  const lines = [
    `pod ${pod.metadata?.name ?? '?'}: phase ${status?.phase ?? '?'}${status?.reason ? ` (${status.reason}${status.message ? `: ${status.message}` : ''})` : ''}, QoS ${status?.qosClass ?? '?'}`,
    ...statuses.map(s => statusLine(pod, s))
  ]
  const oomKilled = statuses.filter(
    s =>
      s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled'
  )
  lines.push(
    oomKilled.length > 0
      ? `OOM: ${oomKilled.map(s => s.name).join(', ')} killed for exceeding the memory limit`
      : 'OOM: no container of the pod was OOM-killed'
  )
  if (status?.reason === 'Evicted') lines.push(`evicted: ${status.message ?? ''}`)
  lines.push(
    ...(events.length > 0
      ? ['warning events:', ...events.slice(-10).map(e => `  ${e}`)]
      : ['warning events: none'])
  )
  return lines
}

/** When a hold set on `pod` ends, or undefined when there is none (or it was released). */
export function holdUntil(pod: V1Pod): Date | undefined {
  const annotations = pod.metadata?.annotations ?? {}
  if (annotations[ANNOTATION_RELEASE] !== undefined) return undefined
  const raw = annotations[ANNOTATION_HOLD_UNTIL]
  const until = raw === undefined ? NaN : Date.parse(raw)
  return Number.isNaN(until) ? undefined : new Date(until)
}

/** The merge patch that starts a hold (and clears a release left from an earlier one). */
export function holdPatch(until: Date): object {
  return {
    metadata: {
      annotations: { [ANNOTATION_HOLD_UNTIL]: until.toISOString(), [ANNOTATION_RELEASE]: null }
    }
  }
}

export function releaseCommand(namespace: string, pod: string): string {
  return `kubectl -n ${namespace} annotate pod ${pod} ${ANNOTATION_RELEASE}=true`
}

/** What a person runs to look inside the held pod, and to let the job finish. */
export function holdInstructions(
  namespace: string,
  pod: string,
  image: string,
  until: Date
): string[] {
  return [
    `The job pod ${pod} is kept until ${until.toISOString()} for debugging. Get a shell in it:`,
    `  kubectl -n ${namespace} debug -it ${pod} --image=${image} --target=${JOB_CONTAINER} -- sh`,
    `  kubectl -n ${namespace} exec -it ${pod} -c ${JOB_CONTAINER} -- sh    (when the job image has a shell)`,
    `The job container's files are under /proc/1/root in the debug shell. Release the pod early with:`,
    `  ${releaseCommand(namespace, pod)}`
  ]
}
