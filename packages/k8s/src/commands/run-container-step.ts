/**
 * run_container_step: one pod per container step (`uses: docker://…`, Dockerfile actions), its
 * env in a per-step Secret, the runner's /github/* folders from `_work` (shared claim or copied
 * in and back), the job's services reachable by name, output streamed live, the container's own
 * exit code returned. The pod and its Secret are deleted afterwards, also on failure or cancel.
 * Works with `state: null` (a job without container and services).
 */
import type { V1Pod } from '@kubernetes/client-node'
import {
  CancelledError,
  HookError,
  ReconnectTimeoutError,
  type ContainerStepArgs,
  type HookContext
} from '@container-hooks/hooklib'
import { kubeContext, type KubeContext } from '../context'
import { buildActionImage } from '../image-build/build-action-image'
import { apiWatch, createAcrossCuts } from '../kube/api-connection'
import type { KubeClient } from '../kube/client'
import { createPod, createSecret, deleteObject, getPod } from '../kube/pods'
import { runnerSetup } from '../kube/runner-setup'
import { runStepPod } from '../kube/step-pod-run'
import { objectName } from '../specs/labels'
import { planStepPod, stepFailure, stepRequest, type StepPlan } from '../specs/step-plan'
import { templateImageWarning } from '../specs/template-merge'
import { readState, type JobState } from '../state'
import { envWorkDir, runnerImage } from '../storage'
import { forgetManifest } from '../sync/copy'
import { loadTemplate } from '../template-file'

/** The job pod's IP under the service names: services are containers of the job pod. */
async function serviceHosts(
  client: KubeClient,
  state: JobState | undefined,
  ctx: HookContext
): Promise<{ ip: string; names: string[] } | undefined> {
  if (!state || state.services.length === 0) return undefined
  const pod: V1Pod | undefined = await getPod(client, state.pod).catch(() => undefined)
  const ip = pod?.status?.podIP
  if (ip) return { ip, names: state.services }
  ctx.log.warning(
    `The job pod ${state.pod} has no IP: the container step cannot reach the services by name`
  )
  return undefined
}

// Cancellation must remove the step pod inside the runner's 7.5 s window, API or not.
const DELETE_BOUND_MS = 6000

/** Deletes the step's pod and Secret, retried while the API does not answer; the pod's failure. */
async function removeStep(client: KubeClient, name: string): Promise<Error | undefined> {
  // Not bound to ctx.signal: a cancelled step must still be removed. The outage was told
  // already, if there was one: this only retries.
  const retry = (resource: 'pods' | 'secrets'): Promise<void> =>
    apiWatch(client, DELETE_BOUND_MS, new AbortController().signal, { info: () => undefined }).call(
      () => deleteObject(client, resource, name)
    )
  const [pod] = await Promise.allSettled([retry('pods'), retry('secrets')])
  return pod.status === 'rejected' ? (pod.reason as Error) : undefined
}

/** Creates the step's Secret and pod and runs it to its end. */
async function runCreated(plan: StepPlan, { config, client }: KubeContext, ctx: HookContext) {
  // A connection lost before the log is followed (an API server restart) is ridden out too.
  const watch = apiWatch(client, config.reconnectMs, ctx.signal, ctx.log)
  await createAcrossCuts(watch, () => createSecret(client, plan.secret))
  await createAcrossCuts(watch, () => createPod(client, plan.pod))
  ctx.log.debug(
    `Step pod ${plan.name} (${plan.copyFrom ? 'copy' : 'volume'} mode) created in namespace ${client.namespace}`
  )
  const end = await runStepPod(
    {
      client,
      pod: plan.name,
      copyFrom: plan.copyFrom,
      timeoutMs: config.prepareTimeoutMs,
      reconnectMs: config.reconnectMs,
      watch
    },
    ctx
  )
  if (end.exitCode !== 0) throw stepFailure(end)
}

/** Runs the step, always deletes its pod and Secret, and says how it failed. */
async function runStep(plan: StepPlan, kube: KubeContext, ctx: HookContext): Promise<void> {
  const failure = await runCreated(plan, kube, ctx).then(
    () => undefined,
    (err: unknown) => err as Error
  )
  const left = await removeStep(kube.client, plan.name)
  forgetManifest(plan.name)
  const leftOver =
    left &&
    `the step pod ${plan.name} could not be deleted (${left.message}); cleanup_job deletes it`
  if (failure instanceof ReconnectTimeoutError && !ctx.signal.aborted) {
    const pod = leftOver || `the step pod ${plan.name} was deleted`
    throw new HookError(`${failure.message}; ${pod}`, 1, { cause: failure })
  }
  if (leftOver) ctx.log.warning(`${leftOver[0].toUpperCase()}${leftOver.slice(1)}`)
  if (ctx.signal.aborted)
    throw ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError()
  if (failure !== undefined) throw failure
}

export async function runContainerStep(args: ContainerStepArgs, ctx: HookContext): Promise<void> {
  const state = readState(ctx.state)
  // Before anything is created or built: malformed options or mounts are the user's to fix.
  const request = stepRequest(args, ctx.env, state, envWorkDir(ctx.env))
  const kube = await kubeContext(ctx.env, state?.namespace, ctx.log)
  const { config, client } = kube
  const template = loadTemplate(config.templatePath)
  // prepare_job warned already when there is a job pod.
  const templateWarning = !state && template && templateImageWarning(template)
  if (templateWarning) ctx.log.warning(templateWarning)
  const [{ runner, storage }, services] = await Promise.all([
    runnerSetup(kube, state),
    serviceHosts(client, state, ctx)
  ])
  const built = args.dockerfile
    ? await buildActionImage(args.dockerfile, kube, ctx, state)
    : undefined
  const plan = planStepPod(args, request, {
    config,
    name: objectName(config.runnerPod, 'step'),
    image: built?.image ?? args.image,
    storage,
    runnerImage: runnerImage(config, runner),
    services,
    pullSecrets: [state?.secret, built?.pullSecret].filter(s => s !== undefined),
    template
  })
  for (const warning of plan.warnings) ctx.log.warning(warning)
  await runStep(plan, kube, ctx)
}
