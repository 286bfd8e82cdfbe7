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
  InputError,
  StepFailedError,
  type ContainerStepArgs,
  type HookContext
} from '@container-hooks/hooklib'
import { buildActionImage } from '../build/build-action-image'
import { kubeContext } from '../context'
import type { KubeClient } from '../kube/client'
import { createPod, createSecret, deleteObject, getPod } from '../kube/pods'
import { labelsFor, objectName } from '../specs/labels'
import { stepEnv, stepMounts, stepPodSpec, stepTemplate } from '../specs/step-pod'
import { mergeTemplate } from '../specs/template-merge'
import { readState, type JobState } from '../state'
import { runnerImage } from '../storage'
import { forgetManifest } from '../sync/copy'
import { loadTemplate } from '../template-file'
import { envWorkDir, runnerSetup } from './job-setup'
import { runStepPod } from './step-pod-run'

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

export async function runContainerStep(args: ContainerStepArgs, ctx: HookContext): Promise<void> {
  const state = readState(ctx.state)
  const kube = await kubeContext(ctx.env, state?.namespace)
  const { config, client } = kube
  const template = loadTemplate(config.templatePath)
  const workDir = state?.workDir || envWorkDir(ctx.env)
  const mounts = stepMounts(args, workDir)
  const [{ runner, storage }, services] = await Promise.all([
    runnerSetup(kube, state?.storage),
    serviceHosts(client, state, ctx)
  ])
  const built = args.dockerfile
    ? await buildActionImage(args.dockerfile, kube, ctx, state)
    : undefined
  const image = built?.image ?? args.image?.trim()
  if (!image)
    throw new InputError('run_container_step needs args.image or args.dockerfile; both are empty')

  const name = objectName(config.runnerPod, 'step')
  const env = stepEnv(name, labelsFor(config.runnerPod, 'step-env'), args.environmentVariables)
  const pod = stepPodSpec({
    name,
    labels: labelsFor(config.runnerPod, 'step'),
    image,
    container: args,
    env: env.env,
    mounts,
    storage,
    syncImage: runnerImage(config, runner),
    syncTimeoutSeconds: config.prepareTimeoutMs / 1000,
    pullSecrets: [state?.secret, built?.pullSecret].filter(s => s !== undefined),
    services
  })
  try {
    await createSecret(client, env.secret)
    await createPod(client, template ? mergeTemplate(pod, stepTemplate(template)) : pod)
    ctx.log.debug(
      `Step pod ${name} (${storage.mode} mode) created in namespace ${client.namespace}`
    )
    const end = await runStepPod(
      {
        client,
        pod: name,
        copyFrom: storage.mode === 'copy' ? { workDir, mounts } : undefined,
        timeoutMs: config.prepareTimeoutMs
      },
      ctx
    )
    if (end.exitCode !== 0) {
      // "Error" only repeats the exit code; OOMKilled, StartError… say why.
      const why =
        end.reason && end.reason !== 'Error'
          ? ` (${end.reason}${end.message ? `: ${end.message.trim()}` : ''})`
          : ''
      throw new StepFailedError(
        end.exitCode,
        `The container step failed with exit code ${end.exitCode}${why}`
      )
    }
  } catch (err) {
    if (ctx.signal.aborted)
      throw ctx.signal.reason instanceof CancelledError ? ctx.signal.reason : new CancelledError()
    throw err
  } finally {
    // Not bound to ctx.signal: a cancelled step must still be removed.
    await Promise.allSettled([
      deleteObject(client, 'pods', name),
      deleteObject(client, 'secrets', name)
    ])
    forgetManifest(name)
  }
}
