/**
 * Diagnostics of a job pod from inside, without restarting it: an ephemeral container (added
 * through the pods/<name>/ephemeralcontainers subresource) that shares the job container's
 * processes and mounts the work volumes runs the diagnostics script; the hook adds what the API
 * says about the pod. Ephemeral containers cannot be removed: it stays in the pod, stopped.
 */
import type { V1Pod } from '@kubernetes/client-node'
import { randomBytes } from 'node:crypto'
import type { KubeClient } from '../kube/client'
import { isForbidden } from '../kube/notices'
import { FATAL_WAITING, getPod, patchPod, podEvents, podLogTail, sleep } from '../kube/pods'
import { debugContainerSpec, debugMounts, podReport } from '../specs/debug-container'

const POLL_MS = 250
const OUTPUT_LINES = 1000

export interface DiagnosticsRequest {
  client: KubeClient
  pod: string
  image: string
  workingDirectory: string
  /** Aborted at the time bound or on cancellation. */
  signal: AbortSignal
}

export interface Diagnostics {
  container: string
  /** From the API: container states, termination reasons, events. */
  report: string[]
  /** What the diagnostics script printed (possibly partial). */
  output: string
  /** Why the output is missing or partial, for the one warning. */
  problem?: string
}

function addEphemeralContainer(client: KubeClient, pod: string, spec: object): Promise<unknown> {
  return client.call(
    'PATCH',
    `pods/${pod}/ephemeralcontainers`,
    { verb: 'patch', resource: 'pods/ephemeralcontainers' },
    { spec: { ephemeralContainers: [spec] } },
    'application/strategic-merge-patch+json'
  )
}

/** Polls until the container ended; `problem` says why it could not (pull error, time bound). */
async function waitEnded(
  req: DiagnosticsRequest,
  name: string
): Promise<{ pod: V1Pod; ran: boolean; problem?: string }> {
  for (;;) {
    const pod = await getPod(req.client, req.pod)
    const state = pod.status?.ephemeralContainerStatuses?.find(s => s.name === name)?.state
    if (state?.terminated) return { pod, ran: true }
    const waiting = state?.waiting
    if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
      const why = `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`
      return { pod, ran: false, problem: `the debug container could not start (${why})` }
    }
    try {
      await sleep(POLL_MS, req.signal)
    } catch {
      return {
        pod,
        ran: state?.running !== undefined,
        problem: 'the debug container did not finish in time'
      }
    }
  }
}

const NEEDS_RULE = 'the debug container needs "patch" on "pods/ephemeralcontainers"'

/** Runs the diagnostics container; its output, or why there is none. */
async function runDiagnostics(
  req: DiagnosticsRequest,
  pod: V1Pod,
  container: string
): Promise<{ pod: V1Pod; output: string; problem?: string }> {
  const { notices } = req.client
  if (notices.isMissing('ephemeralContainers')) return { pod, output: '', problem: NEEDS_RULE }
  try {
    await addEphemeralContainer(
      req.client,
      req.pod,
      debugContainerSpec(container, req.image, debugMounts(pod), req.workingDirectory)
    )
    const ended = await waitEnded(req, container)
    const output = ended.ran ? await podLogTail(req.client, req.pod, container, OUTPUT_LINES) : ''
    return { pod: ended.pod, output, problem: ended.problem }
  } catch (err) {
    if (!isForbidden(err)) return { pod, output: '', problem: (err as Error).message }
    notices.missing('ephemeralContainers')
    return { pod, output: '', problem: NEEDS_RULE }
  }
}

export async function collectDiagnostics(req: DiagnosticsRequest): Promise<Diagnostics> {
  const container = `debug-${randomBytes(3).toString('hex')}`
  const before = await getPod(req.client, req.pod)
  req.client.notices.learnFrom(before)
  const { pod, output, problem } = await runDiagnostics(req, before, container)
  const events = await podEvents(req.client, req.pod).catch((err: Error) => [
    `(could not read the events: ${err.message})`
  ])
  const record = req.client.notices.recordPatch(before)
  if (record) await patchPod(req.client, req.pod, record).catch(() => undefined)
  return { container, report: podReport(pod, events), output, problem }
}
