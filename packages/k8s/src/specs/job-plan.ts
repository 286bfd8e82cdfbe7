/**
 * PURE: everything prepare_job will create, computed (and so validated: options, ports, volumes)
 * from the input, the config and the runner's pod before the first object is created, so bad
 * input never leaves anything behind.
 */
import type { V1Pod, V1Secret } from '@kubernetes/client-node'
import {
  serviceAliases,
  type PrepareJobArgs,
  type PrepareJobResponse
} from '@container-hooks/hooklib'
import type { K8sConfig } from '../config'
import type { JobState } from '../state'
import { ignoredOptionsWarning, jobOptions } from './container-options'
import { JOB_CONTAINER, POD_WORK, contextPorts, jobPodSpec, type PodStorage } from './job-pod'
import { labelsFor } from './labels'
import { pullSecretSpec } from './pull-secret'
import { mergeTemplate, templateImageWarning, type PodTemplate } from './template-merge'
import { userVolumes, volumeOwners, withUserVolumes } from './user-volumes'

export interface JobPlanInput {
  config: Pick<K8sConfig, 'runnerPod' | 'externalsDir'>
  namespace: string
  /** The hook's environment: `options:` read it (--env), and the runner's `_work` from it. */
  hostEnv: NodeJS.ProcessEnv
  /** The runner's `_work` on the host when no `/__w` mount says it (storage.ts envWorkDir). */
  envWorkDir: string
  /** The pod's and the pull secret's fresh names (specs/labels objectName). */
  names: { pod: string; secret: string }
  storage: PodStorage
  /** Volume mode: the claim's access modes as decided, saved in the state. */
  accessModes: string[]
  /** The image the externals are copied from (storage.ts runnerImage). */
  runnerImage?: string
  template?: PodTemplate
}

export interface JobPlan {
  state: JobState
  pod: V1Pod
  secret?: V1Secret
  /** In the order they are about to be printed. */
  warnings: string[]
  /** What the runner gets back once the pod runs; isAlpine needs the running container. */
  response: Omit<PrepareJobResponse, 'isAlpine' | 'state'>
}

/** The registry passwords of the input: masked before anything is logged. */
export function registryPasswords(args: PrepareJobArgs): string[] {
  return [args.container, ...args.services].flatMap(c => (c?.registry ? [c.registry.password] : []))
}

/** The runner's `_work` on the host: the source of the job container's /__w mount. */
function hostWorkDir(args: PrepareJobArgs, envWorkDir: string): string {
  const mount = args.container?.systemMountVolumes.find(m => m.targetVolumePath === POD_WORK)
  return mount?.sourceVolumePath || envWorkDir
}

function jobState(args: PrepareJobArgs, input: JobPlanInput, secret?: V1Secret): JobState {
  return {
    pod: input.names.pod,
    namespace: input.namespace,
    storage: input.storage.mode,
    ...(input.storage.mode === 'volume' ? { accessModes: input.accessModes } : {}),
    workDir: hostWorkDir(args, input.envWorkDir),
    jobContainer: args.container ? JOB_CONTAINER : undefined,
    services: serviceAliases([JOB_CONTAINER, ...args.services.map(s => s.image ?? '')]).slice(1),
    ...(secret ? { secret: secret.metadata!.name } : {})
  }
}

function response(args: PrepareJobArgs, pod: string): JobPlan['response'] {
  return {
    context: {
      ...(args.container ? { container: { id: pod, ports: contextPorts(args.container) } } : {}),
      services: args.services.map(s => ({ id: pod, ports: contextPorts(s) }))
    }
  }
}

export function planJob(args: PrepareJobArgs, input: JobPlanInput): JobPlan {
  const { config, template } = input
  const options = jobOptions(args, input.hostEnv)
  const secret = pullSecretSpec(input.names.secret, labelsFor(config.runnerPod, 'pull-secret'), [
    args.container,
    ...args.services
  ])
  const state = jobState(args, input, secret)
  const pod = jobPodSpec({
    name: state.pod,
    labels: labelsFor(config.runnerPod, 'job'),
    container: args.container,
    services: args.services,
    serviceNames: state.services,
    options,
    storage: input.storage,
    runnerImage: input.runnerImage,
    externalsDir: config.externalsDir,
    pullSecret: state.secret
  })
  const user = userVolumes(
    volumeOwners(JOB_CONTAINER, args.container, args.services, state.services),
    state.workDir
  )
  const full = withUserVolumes(pod, user)
  const warnings = [
    template && templateImageWarning(template),
    ignoredOptionsWarning(args, options),
    ...user.warnings
  ].filter((w): w is string => Boolean(w))
  return {
    state,
    pod: template ? mergeTemplate(full, template) : full,
    ...(secret ? { secret } : {}),
    warnings,
    response: response(args, state.pod)
  }
}
