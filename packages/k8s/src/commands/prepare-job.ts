/**
 * prepare_job: one pod with the job container and the services, its pull secret, `_work` on the
 * claim or copied in, then the response (index-matched services, isAlpine).
 */
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node'
import {
  ConfigError,
  serviceAliases,
  type HookContext,
  type PrepareJobArgs,
  type PrepareJobResponse
} from '@container-hooks/hooklib'
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { kubeContext, type KubeContext } from '../context'
import { KubeApiError } from '../kube/client'
import { createPod, createSecret, deleteObject, getPod, waitRunning } from '../kube/pods'
import { JOB_CONTAINER, contextPorts, jobPodSpec } from '../specs/job-pod'
import { labelsFor, objectName } from '../specs/labels'
import { pullSecretSpec } from '../specs/pull-secret'
import { mergeTemplate, parseTemplate } from '../specs/template-merge'
import { userVolumes, volumeOwners, withUserVolumes } from '../specs/user-volumes'
import { toHookState, type JobState } from '../state'
import { chooseClaim, podStorage, runnerImage } from '../storage'
import { copyTarget, pushAll } from '../sync/copy'
import { detectAlpine } from './alpine'

async function readRunnerPod({ client, config }: KubeContext): Promise<V1Pod> {
  try {
    return await getPod(client, config.runnerPod)
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) {
      throw new ConfigError(
        `ACTIONS_RUNNER_POD_NAME=${config.runnerPod}: no such pod in namespace ${client.namespace} (set ACTIONS_RUNNER_KUBERNETES_NAMESPACE to the runner's namespace)`
      )
    }
    throw err
  }
}

async function claimAccessModes({ client }: KubeContext, claim: string): Promise<string[]> {
  const pvc = await client.call<V1PersistentVolumeClaim>('GET', `persistentvolumeclaims/${claim}`, {
    verb: 'get',
    resource: 'persistentvolumeclaims'
  })
  return pvc.status?.accessModes ?? pvc.spec?.accessModes ?? []
}

function loadTemplate(path: string | undefined): ReturnType<typeof parseTemplate> | undefined {
  if (path === undefined) return undefined
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(
      `ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE=${path} cannot be read: ${(err as Error).message}`
    )
  }
  return parseTemplate(text, path)
}

/** The runner's `_work` on the host: the source of the job container's /__w mount. */
function hostWorkDir(args: PrepareJobArgs, env: NodeJS.ProcessEnv): string {
  const mount = args.container?.systemMountVolumes.find(m => m.targetVolumePath === '/__w')
  if (mount?.sourceVolumePath) return mount.sourceVolumePath
  return env.RUNNER_WORKSPACE ? dirname(env.RUNNER_WORKSPACE) : ''
}

export async function prepareJob(
  args: PrepareJobArgs,
  ctx: HookContext
): Promise<PrepareJobResponse> {
  const kube = await kubeContext(ctx.env)
  const { config, client } = kube
  const template = loadTemplate(config.templatePath)
  const runner = await readRunnerPod(kube)
  const claim = chooseClaim(config, runner)
  const accessModes = claim === undefined ? [] : await claimAccessModes(kube, claim)
  const storage = podStorage(claim, accessModes, runner.spec?.nodeName, config.useKubeScheduler)
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
