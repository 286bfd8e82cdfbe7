/**
 * cleanup_job: shows the services' last log lines (and the job container's when it died), then
 * deletes every pod and secret of this runner by label, so a null or stale state and a second
 * run are fine.
 */
import type { CleanupJobArgs, HookContext } from '@container-hooks/hooklib'
import { kubeContext } from '../context'
import { waitForHolds } from '../debug/hold'
import { printLogs } from '../kube/job-logs'
import { deleteObject, listPods, listSecrets } from '../kube/pods'
import { ANNOTATION_STEP_FAILED, LABEL_ROLE, runnerSelector } from '../specs/labels'
import { readStateForCleanup } from '../state'
import { stopHelper } from '../step-helper/launch'
import { forgetManifest } from '../sync/copy'

export async function cleanupJob(_args: CleanupJobArgs, ctx: HookContext): Promise<void> {
  const state = readStateForCleanup(ctx.state, ctx.log)
  const { config, client } = await kubeContext(ctx.env, state?.namespace, ctx.log)
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
