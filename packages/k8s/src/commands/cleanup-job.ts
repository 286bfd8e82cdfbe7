/**
 * cleanup_job: shows the services' last log lines (and the job container's when it died), then
 * deletes every pod and secret of this runner by label, so a null or stale state and a second
 * run are fine.
 */
import type { V1Pod } from '@kubernetes/client-node'
import type { CleanupJobArgs, HookContext } from '@container-hooks/hooklib'
import { kubeContext } from '../context'
import { waitForHolds } from '../debug/hold'
import type { KubeClient } from '../kube/client'
import { deleteObject, listPods, listSecrets, podLogTail } from '../kube/pods'
import { EXTERNALS_CONTAINER, JOB_CONTAINER } from '../specs/job-pod'
import { ANNOTATION_STEP_FAILED, LABEL_ROLE, runnerSelector } from '../specs/labels'
import { readState } from '../state'
import { stopHelper } from '../step-helper/launch'
import { forgetManifest } from '../sync/copy'

const LOG_LINES = 50

/**
 * Services always; the job container when a step failed or it terminated with a failure; never
 * the externals copy (not a service: it only fills /__e, and prepare_job reported its failure).
 */
function containersToShow(pod: V1Pod, stepFailed: boolean): string[] {
  return (pod.status?.containerStatuses ?? [])
    .filter(s => s.name !== EXTERNALS_CONTAINER)
    .filter(
      s => s.name !== JOB_CONTAINER || stepFailed || (s.state?.terminated?.exitCode ?? 0) !== 0
    )
    .map(s => s.name)
}

async function printLogs(
  client: KubeClient,
  pod: V1Pod,
  stepFailed: boolean,
  ctx: HookContext
): Promise<void> {
  const name = pod.metadata!.name!
  for (const container of containersToShow(pod, stepFailed)) {
    const text = await podLogTail(client, name, container, LOG_LINES).catch(
      (err: Error) => `(could not read the logs: ${err.message})`
    )
    await ctx.log.group(
      `Logs of ${container === JOB_CONTAINER ? 'the job container' : `service ${container}`} (last ${LOG_LINES} lines)`,
      () => {
        ctx.log.info(text.replace(/\n$/, ''))
        return Promise.resolve()
      }
    )
  }
}

export async function cleanupJob(_args: CleanupJobArgs, ctx: HookContext): Promise<void> {
  const state = readState(ctx.state)
  const { config, client } = await kubeContext(ctx.env, state?.namespace)
  const selector = runnerSelector(config.runnerPod)
  const [pods, secrets] = await Promise.all([
    listPods(client, selector),
    listSecrets(client, selector)
  ])
  // Job pods only (step and builder pods left by a killed hook are just removed); a pod already
  // being deleted was cleaned up, and its logs shown, by an earlier cleanup_job.
  const jobPods = pods.items.filter(
    p => p.metadata?.labels?.[LABEL_ROLE] === 'job' && !p.metadata.deletionTimestamp
  )
  await waitForHolds(client, jobPods, ctx)
  for (const pod of jobPods)
    await printLogs(
      client,
      pod,
      pod.metadata?.annotations?.[ANNOTATION_STEP_FAILED] !== undefined,
      ctx
    )
  const podNames = new Set([
    ...pods.items.map(p => p.metadata!.name!),
    ...(state ? [state.pod] : [])
  ])
  const secretNames = new Set([
    ...secrets.items.map(s => s.metadata!.name!),
    ...(state?.secret ? [state.secret] : [])
  ])
  for (const name of podNames) forgetManifest(name)
  await Promise.all([
    ...[...podNames].map(stopHelper),
    ...[...podNames].map(name => deleteObject(client, 'pods', name)),
    ...[...secretNames].map(name => deleteObject(client, 'secrets', name))
  ])
}
