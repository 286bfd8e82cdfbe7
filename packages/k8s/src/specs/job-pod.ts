/**
 * The job pod: the job container and the services as containers of one pod (they share
 * localhost), `/__e` seeded from the runner image by a container of the pod, and `_work` either on
 * the runner's claim (volume mode) or on an emptyDir filled over exec (copy mode).
 */
import type {
  V1Container,
  V1ContainerPort,
  V1EnvVar,
  V1HostAlias,
  V1Pod,
  V1PodSpec,
  V1Volume,
  V1VolumeMount
} from '@kubernetes/client-node'
import {
  InputError,
  joinRunnerArgs,
  parsePortMapping,
  type HookContainer
} from '@container-hooks/hooklib'
import { withOptions, type ContainerOptions, type JobOptions } from './container-options'

export const JOB_CONTAINER = 'job'
export const WORK_VOLUME = 'work'
/** Where `_work` is in the job container (and in a step pod's sync container). */
export const POD_WORK = '/__w'
export const EXTERNALS_VOLUME = 'externals'
/** The container that fills /__e, then exits (externalsContainer). */
export const EXTERNALS_CONTAINER = 'externals'

/** Keeps a container without an entrypoint alive; exits at once on TERM so deletion is fast. */
export const KEEP_ALIVE = [
  'sh',
  '-c',
  'trap "exit 0" TERM INT; while :; do sleep 3600 & wait $!; done'
]

export type PodStorage =
  { mode: 'volume'; claimName: string; node?: string; pinWithAffinity: boolean } | { mode: 'copy' }

export interface JobPodInput {
  name: string
  labels: Record<string, string>
  container: HookContainer | null
  services: HookContainer[]
  /** Container names of the services, index-matched. */
  serviceNames: string[]
  /** The mapped `options:` of the job container and the services (specs/container-options). */
  options: JobOptions
  storage: PodStorage
  /** Image holding the runner's externals; no externals copy when undefined. */
  runnerImage?: string
  externalsDir: string
  pullSecret?: string
}

const JOB_DEFAULT_ENV: Record<string, string> = {
  HOME: '/github/home',
  GITHUB_ACTIONS: 'true',
  CI: 'true'
}

function envList(env: Record<string, string>): V1EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }))
}

function ports(container: HookContainer, field: string): V1ContainerPort[] {
  return container.portMappings.map((raw, i) => {
    const mapping = parsePortMapping(raw, `${field}.portMappings[${i}]`)
    const port: V1ContainerPort = {
      containerPort: mapping.containerPort,
      protocol: mapping.protocol.toUpperCase()
    }
    if (mapping.hostPort !== undefined) port.hostPort = mapping.hostPort
    if (mapping.hostIp !== undefined) port.hostIP = mapping.hostIp
    return port
  })
}

/** The runner's paths inside the job container, all on the work volume but /__e. */
export function jobMounts(): V1VolumeMount[] {
  return [
    { name: WORK_VOLUME, mountPath: POD_WORK },
    { name: EXTERNALS_VOLUME, mountPath: '/__e', readOnly: true },
    { name: WORK_VOLUME, mountPath: '/github/home', subPath: '_temp/_github_home' },
    { name: WORK_VOLUME, mountPath: '/github/workflow', subPath: '_temp/_github_workflow' }
  ]
}

/** The runner's entrypoint, else `--entrypoint` from the options (as `docker create` does). */
function entry(
  container: HookContainer,
  options: ContainerOptions
): Pick<V1Container, 'command' | 'args'> {
  const entryPoint = container.entryPoint ?? options.entrypoint
  if (!entryPoint) return {}
  return { command: [entryPoint], args: joinRunnerArgs(container.entryPointArgs) }
}

// By position: a service's container name may already use all 63 characters a name may have.
const shmVolume = (serviceIndex?: number): string =>
  serviceIndex === undefined ? 'shm-job' : `shm-service-${serviceIndex}`

export function jobContainer(container: HookContainer, options: ContainerOptions): V1Container {
  const command = entry(container, options)
  const spec: V1Container = {
    name: JOB_CONTAINER,
    image: requiredImage(container, 'args.container'),
    ...(command.command ? command : { command: KEEP_ALIVE }),
    env: envList({ ...JOB_DEFAULT_ENV, ...container.environmentVariables }),
    volumeMounts: jobMounts(),
    ports: ports(container, 'args.container')
  }
  if (container.workingDirectory) spec.workingDir = container.workingDirectory
  return withOptions(spec, options, shmVolume())
}

export function serviceContainer(
  service: HookContainer,
  name: string,
  index: number,
  options: ContainerOptions
): V1Container {
  const field = `args.services[${index}]`
  const spec: V1Container = {
    name,
    image: requiredImage(service, field),
    ...entry(service, options),
    env: envList(service.environmentVariables),
    ports: ports(service, field)
  }
  if (service.workingDirectory) spec.workingDir = service.workingDirectory
  return withOptions(spec, options, shmVolume(index))
}

function requiredImage(container: HookContainer, field: string): string {
  if (!container.image) throw new InputError(`Invalid hook input: args.${field}.image is missing`)
  return container.image
}

/**
 * Copies the runner image's externals into /__e: one local `cp`, never file by file over exec.
 * A container of the pod, not an init container, so that the copy runs while the job and service
 * containers start (an init container would add its whole run to every job's start); prepare_job
 * waits until it has exited 0 (kube/pods.ts). Without the externals JavaScript actions cannot
 * run, so a missing folder fails the pod at once, with a message (the container's termination
 * message) that names the variables to fix.
 */
export function externalsContainer(image: string, externalsDir: string): V1Container {
  const src = externalsDir.replace(/\/+$/, '')
  const missing = `the runner image ${image} has no externals folder ${src}: set ACTIONS_RUNNER_IMAGE to an image with the runner's externals, or ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_EXTERNALS to the folder that holds them in it`
  return {
    name: EXTERNALS_CONTAINER,
    image,
    command: [
      'sh',
      '-c',
      'if [ -d "$0" ]; then exec cp -a "$0/." /__e/; fi; echo "$1" >&2; exit 1',
      src,
      missing
    ],
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [{ name: EXTERNALS_VOLUME, mountPath: '/__e' }]
  }
}

/** `_work`: the runner's claim (volume mode) or an emptyDir filled over exec (copy mode). */
export function workVolume(storage: PodStorage): V1Volume {
  return storage.mode === 'volume'
    ? { name: WORK_VOLUME, persistentVolumeClaim: { claimName: storage.claimName } }
    : { name: WORK_VOLUME, emptyDir: {} }
}

function volumes(storage: PodStorage): V1Volume[] {
  return [workVolume(storage), { name: EXTERNALS_VOLUME, emptyDir: {} }]
}

/** `--shm-size`: a memory-backed emptyDir of that size per container that asked for one. */
function shmVolumes(input: JobPodInput): V1Volume[] {
  const { container, services } = input.options
  return [
    ...(input.container ? [{ name: shmVolume(), o: container }] : []),
    ...services.map((o, i) => ({ name: shmVolume(i), o }))
  ]
    .filter(({ o }) => o.shmSize !== undefined)
    .map(({ name, o }) => ({ name, emptyDir: { medium: 'Memory', sizeLimit: o.shmSize } }))
}

/** Services (and `--network-alias` names) resolve to localhost; `--add-host` entries follow. */
function hostAliases(names: string[], options: ContainerOptions[]): V1HostAlias[] {
  const local = [...new Set([...names, ...options.flatMap(o => o.localNames)])]
  return [
    ...(local.length > 0 ? [{ ip: '127.0.0.1', hostnames: local }] : []),
    ...options.flatMap(o => o.hostAliases)
  ]
}

/** Volume mode with a ReadWriteOnce claim: on the runner's node. */
export function placement(storage: PodStorage): Partial<V1PodSpec> {
  if (storage.mode !== 'volume' || storage.node === undefined) return {}
  if (!storage.pinWithAffinity) return { nodeName: storage.node }
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'kubernetes.io/hostname', operator: 'In', values: [storage.node] }
              ]
            }
          ]
        }
      }
    }
  }
}

export function jobPodSpec(input: JobPodInput): V1Pod {
  const { options } = input
  const used = [...(input.container ? [options.container] : []), ...options.services]
  // The externals copy last: `kubectl logs` and `kubectl exec` default to the first container.
  const externals =
    input.container && input.runnerImage !== undefined
      ? [externalsContainer(input.runnerImage, input.externalsDir)]
      : []
  const containers = [
    ...(input.container ? [jobContainer(input.container, options.container)] : []),
    ...input.services.map((service, i) =>
      serviceContainer(service, input.serviceNames[i], i, options.services[i])
    ),
    ...externals
  ]
  const spec: V1PodSpec = {
    restartPolicy: 'Never',
    // Job pods get no API credentials: the workflow's code must not act as the runner.
    automountServiceAccountToken: false,
    containers,
    volumes: [...volumes(input.storage), ...shmVolumes(input)],
    ...placement(input.storage)
  }
  if (options.hostname !== undefined) spec.hostname = options.hostname
  // Services are containers of this pod: their names resolve to localhost, as under Docker.
  const aliases = hostAliases(input.serviceNames, used)
  if (aliases.length > 0) spec.hostAliases = aliases
  if (input.pullSecret !== undefined) spec.imagePullSecrets = [{ name: input.pullSecret }]
  return { metadata: { name: input.name, labels: input.labels }, spec }
}

/** The response's `ports`: what the job container reaches on localhost (pods share it). */
export function contextPorts(container: HookContainer): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of container.portMappings) {
    const mapping = parsePortMapping(raw)
    out[String(mapping.containerPort)] = String(mapping.hostPort ?? mapping.containerPort)
  }
  return out
}
