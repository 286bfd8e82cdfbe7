/**
 * prepare_job: one pod with the job container and the services, its pull secret, `_work` on the
 * claim or copied in, then the response (index-matched services, isAlpine).
 */
import {
  serviceAliases,
  type HookContext,
  type PrepareJobArgs,
  type PrepareJobResponse
} from '@container-hooks/hooklib'
import { kubeContext } from '../context'
import { createPod, createSecret, deleteObject, waitRunning } from '../kube/pods'
import { JOB_CONTAINER, contextPorts, jobPodSpec } from '../specs/job-pod'
import { labelsFor, objectName } from '../specs/labels'
import { pullSecretSpec } from '../specs/pull-secret'
import { mergeTemplate } from '../specs/template-merge'
import { toHookState, type JobState } from '../state'
import { loadTemplate } from '../template-file'
import { runnerImage } from '../storage'
import { copyTarget, pushAll } from '../sync/copy'
import { detectAlpine } from './alpine'
import { envWorkDir, runnerSetup } from './job-setup'

/** The runner's `_work` on the host: the source of the job container's /__w mount. */
function hostWorkDir(args: PrepareJobArgs, env: NodeJS.ProcessEnv): string {
  const mount = args.container?.systemMountVolumes.find(m => m.targetVolumePath === '/__w')
  if (mount?.sourceVolumePath) return mount.sourceVolumePath
  return envWorkDir(env)
}

export async function prepareJob(
  args: PrepareJobArgs,
  ctx: HookContext
): Promise<PrepareJobResponse> {
  const kube = await kubeContext(ctx.env)
  const { config, client } = kube
  const template = loadTemplate(config.templatePath)
  const { runner, storage } = await runnerSetup(kube)
  const serviceNames = serviceAliases([
    JOB_CONTAINER,
    ...args.services.map(s => s.image ?? '')
  ]).slice(1)
  const state: JobState = {
    pod: objectName(config.runnerPod, 'job'),
    namespace: client.namespace,
    storage: storage.mode,
    workDir: hostWorkDir(args, ctx.env),
    jobContainer: args.container ? JOB_CONTAINER : undefined,
    services: serviceNames
  }
  for (const c of [args.container, ...args.services]) {
    if (c?.registry) ctx.log.addMask(c.registry.password)
  }

  try {
    const secret = pullSecretSpec(
      objectName(config.runnerPod, 'pull'),
      labelsFor(config.runnerPod, 'pull-secret'),
      [args.container, ...args.services]
    )
    if (secret) {
      state.secret = secret.metadata!.name
      await createSecret(client, secret)
    }
    const pod = jobPodSpec({
      name: state.pod,
      labels: labelsFor(config.runnerPod, 'job'),
      container: args.container,
      services: args.services,
      serviceNames,
      storage,
      runnerImage: runnerImage(config, runner),
      externalsDir: config.externalsDir,
      pullSecret: state.secret
    })
    await createPod(client, template ? mergeTemplate(pod, template) : pod)
    ctx.log.info(
      `Job pod ${state.pod} (${storage.mode} mode) created in namespace ${client.namespace}`
    )
    await waitRunning(client, state.pod, config.prepareTimeoutMs, ctx.signal)
    if (storage.mode === 'copy' && state.jobContainer) {
      const started = Date.now()
      await pushAll(copyTarget(client, state, ctx.signal))
      ctx.log.debug(`Copied the runner's _work into the pod in ${Date.now() - started} ms`)
    }
    const isAlpine = state.jobContainer
      ? await detectAlpine(client, state.pod, state.jobContainer, ctx.signal)
      : false
    return {
      state: toHookState(state),
      context: {
        ...(args.container
          ? { container: { id: state.pod, ports: contextPorts(args.container) } }
          : {}),
        services: args.services.map(s => ({ id: state.pod, ports: contextPorts(s) }))
      },
      isAlpine
    }
  } catch (err) {
    // Nothing leaks from a failed prepare_job, even before cleanup_job runs.
    await Promise.allSettled([
      deleteObject(client, 'pods', state.pod),
      ...(state.secret ? [deleteObject(client, 'secrets', state.secret)] : [])
    ])
    throw err
  }
}
