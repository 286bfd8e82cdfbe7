/**
 * prepare_job: one pod with the job container and the services (their `options:` mapped), its
 * pull secret, healthy services, `_work` on the claim or copied in, then the response
 * (index-matched services, isAlpine).
 */
import {
  serviceAliases,
  type HookContext,
  type PrepareJobArgs,
  type PrepareJobResponse
} from '@container-hooks/hooklib'
import { kubeContext } from '../context'
import { healthStopped, waitHealthy } from '../kube/health'
import { createPod, createSecret, deleteObject, waitRunning } from '../kube/pods'
import { ignoredOptionsWarning, jobOptions } from '../specs/container-options'
import { JOB_CONTAINER, contextPorts, jobPodSpec } from '../specs/job-pod'
import { labelsFor, objectName } from '../specs/labels'
import { pullSecretSpec } from '../specs/pull-secret'
import { mergeTemplate } from '../specs/template-merge'
import { userVolumes, volumeOwners, withUserVolumes } from '../specs/user-volumes'
import { toHookState, type JobState } from '../state'
import { loadTemplate } from '../template-file'
import { runnerImage } from '../storage'
import { copyTarget, pushAll } from '../sync/copy'
import { startHelper, warmHelper } from '../step-helper/launch'
import { detectAlpine } from './alpine'
import { envWorkDir, runnerSetup } from './job-setup'

/** The runner's `_work` on the host: the source of the job container's /__w mount. */
function hostWorkDir(args: PrepareJobArgs, env: NodeJS.ProcessEnv): string {
  const mount = args.container?.systemMountVolumes.find(m => m.targetVolumePath === '/__w')
  if (mount?.sourceVolumePath) return mount.sourceVolumePath
  return envWorkDir(env)
}

/** `helperScript`: the hook's bundle, started as the job's step helper (src/step-helper). */
export async function prepareJob(
  args: PrepareJobArgs,
  ctx: HookContext,
  helperScript?: string
): Promise<PrepareJobResponse> {
  const kube = await kubeContext(ctx.env)
  const { config, client } = kube
  const template = loadTemplate(config.templatePath)
  const options = jobOptions(args, ctx.env)
  const ignored = ignoredOptionsWarning(args, options)
  if (ignored) ctx.log.warning(ignored)
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
  // Started first, so that it is listening, warm, by the time the first step comes.
  const helper =
    helperScript && config.stepHelper && state.jobContainer
      ? startHelper(helperScript, state.pod, ctx.env)
      : undefined

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
      options,
      storage,
      runnerImage: runnerImage(config, runner),
      externalsDir: config.externalsDir,
      pullSecret: state.secret
    })
    const user = userVolumes(
      volumeOwners(JOB_CONTAINER, args.container, args.services, serviceNames),
      state.workDir
    )
    for (const warning of user.warnings) ctx.log.warning(warning)
    const full = withUserVolumes(pod, user)
    await createPod(client, template ? mergeTemplate(full, template) : full)
    ctx.log.info(
      `Job pod ${state.pod} (${storage.mode} mode) created in namespace ${client.namespace}`
    )
    // One bound for the pod to run and its health checks to pass, as under Docker.
    const deadline = Date.now() + config.prepareTimeoutMs
    const running = await waitRunning(
      client,
      state.pod,
      config.prepareTimeoutMs,
      ctx.signal,
      healthStopped
    )
    await waitHealthy(client, running, deadline, ctx.log, ctx.signal)
    if (storage.mode === 'copy' && state.jobContainer) {
      const started = Date.now()
      await pushAll(copyTarget(client, state, ctx.signal))
      ctx.log.debug(`Copied the runner's _work into the pod in ${Date.now() - started} ms`)
    }
    const isAlpine = state.jobContainer
      ? await detectAlpine(client, state.pod, state.jobContainer, ctx.signal)
      : false
    if (helper) await warmHelper(state.pod, state)
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
    helper?.kill()
    await Promise.allSettled([
      deleteObject(client, 'pods', state.pod),
      ...(state.secret ? [deleteObject(client, 'secrets', state.secret)] : [])
    ])
    throw err
  }
}
