/**
 * The pod of one container step (`uses: docker://…`, Dockerfile actions): container `step` runs
 * the action's image with its env from a per-step Secret, and sees the runner's
 * `/github/*` folders as subPaths of `_work` — the runner's claim in volume mode. In copy mode
 * `_work` is an emptyDir and a `sync` container (an image with sh and tar) comes first: its
 * postStart hook blocks the kubelet from starting `step` until the hook has copied the files in
 * over exec and created SYNC_READY. A native sidecar with a startupProbe would add up to a probe
 * period (1 s) before the step starts, and the kubelet stops native sidecars as soon as the
 * step (the only regular container) exits, racing the copy back; a plain container stays.
 */
import type {
  V1Container,
  V1EnvVar,
  V1Pod,
  V1PodSpec,
  V1Secret,
  V1VolumeMount
} from '@kubernetes/client-node'
import {
  classifyMount,
  HookError,
  joinRunnerArgs,
  type HookContainer
} from '@container-hooks/hooklib'
import { isAbsolute, relative } from 'node:path'
import { withOptions, type ContainerOptions } from './container-options'
import {
  KEEP_ALIVE,
  placement,
  POD_WORK,
  WORK_VOLUME,
  workVolume,
  type PodStorage
} from './job-pod'
import type { PodTemplate } from './template-merge'

export const STEP_CONTAINER = 'step'
export const SYNC_CONTAINER = 'sync'
/** Created in the sync container (outside `_work`) once the files are in: the step may start. */
export const SYNC_READY = '/tmp/container-hooks-ready'
// The kubelet has no Docker socket to offer a step pod.
const DOCKER_SOCKET = '/var/run/docker.sock'

export interface StepMount {
  /** Relative to the runner's `_work`; "" for `_work` itself. */
  subPath: string
  target: string
  readOnly: boolean
}

/**
 * The runner's mounts (host paths) as paths inside `_work`: a step pod can only get what is on
 * the claim (volume mode) or what the hook copies from `_work` (copy mode).
 */
export function stepMounts(container: HookContainer, workDir: string): StepMount[] {
  const mounts = [...container.systemMountVolumes, ...container.userMountVolumes]
  return mounts.flatMap((m, i): StepMount[] => {
    const mount = classifyMount(m, `args.systemMountVolumes[${i}]`)
    if (mount.target === DOCKER_SOCKET) return []
    const subPath = relative(workDir, mount.source)
    if (mount.kind !== 'bind' || !workDir || isAbsolute(subPath) || subPath.startsWith('..')) {
      throw new HookError(
        `The container step needs ${mount.source || '(an anonymous volume)'} at ${mount.target}, but a step pod can only mount folders inside the runner's _work (${workDir || 'unknown: RUNNER_WORKSPACE is not set'})`
      )
    }
    return [{ subPath, target: mount.target, readOnly: mount.readOnly }]
  })
}

/** The folders of `_work` that copy mode must send: the mounts, without nested duplicates. */
export function syncRoots(mounts: StepMount[]): string[] {
  const paths = [...new Set(mounts.map(m => m.subPath))].sort()
  if (paths.includes('')) return ['.']
  return paths.filter(p => !paths.some(q => p.startsWith(`${q}/`)))
}

// Secret keys allow only these characters, and not "." or a leading "..".
const SECRET_KEY = /^(?!\.\.)(?!\.$)[-._a-zA-Z0-9]+$/

export interface StepEnv {
  secret: V1Secret
  /** The container's env, every value a reference into the Secret. */
  env: V1EnvVar[]
}

/**
 * The step env as a Secret plus `secretKeyRef`s, so no value is in the pod spec or on a command
 * line. A name that cannot be a Secret key (spaces, `:`…) gets a generated key; a name the
 * cluster does not accept as an env name is refused by the API when the pod is created. Names
 * that no process env can hold ("" or with "=") are left out.
 */
export function stepEnv(
  name: string,
  labels: Record<string, string>,
  env: Record<string, string>
): StepEnv {
  const names = Object.keys(env).filter(n => n !== '' && !n.includes('='))
  const data: Record<string, string> = {}
  const keys = new Map<string, string>()
  for (const n of names.filter(n => SECRET_KEY.test(n))) keys.set(n, n)
  let i = 0
  for (const n of names.filter(n => !SECRET_KEY.test(n))) {
    while (keys.has(`env.${i}`)) i++
    keys.set(n, `env.${i++}`)
  }
  const refs: V1EnvVar[] = []
  for (const [n, key] of keys) {
    data[key] = env[n].replace(/\0/g, '')
    refs.push({ name: n, valueFrom: { secretKeyRef: { name, key } } })
  }
  return {
    secret: { metadata: { name, labels }, type: 'Opaque', immutable: true, stringData: data },
    env: refs
  }
}

export interface StepPodInput {
  name: string
  labels: Record<string, string>
  image: string
  container: HookContainer
  /** The env references (see stepEnv). */
  env: V1EnvVar[]
  mounts: StepMount[]
  storage: PodStorage
  /** Copy mode: the image of the sync container (needs sh, tar, find, stat, xargs, tr). */
  syncImage?: string
  /** Bound on the sync container's wait for SYNC_READY. */
  syncTimeoutSeconds?: number
  pullSecrets: string[]
  /** The job pod's IP and its service names: the step reaches services as the job does. */
  services?: { ip: string; names: string[] }
  /** `args.createOptions`, as Kubernetes can express them (containerOptions). */
  options?: ContainerOptions
}

const STEP_SHM_VOLUME = 'shm-step'

function stepContainer(input: StepPodInput): V1Container {
  const { entryPoint, entryPointArgs, workingDirectory } = input.container
  const args = joinRunnerArgs(entryPointArgs)
  const spec: V1Container = {
    name: STEP_CONTAINER,
    image: input.image,
    // No entrypoint: the image's ENTRYPOINT runs, and args replace its CMD, as under Docker.
    ...(entryPoint ? { command: [entryPoint], args } : args.length > 0 ? { args } : {}),
    env: input.env,
    volumeMounts: input.mounts.map((m): V1VolumeMount => ({
      name: WORK_VOLUME,
      mountPath: m.target,
      ...(m.subPath ? { subPath: m.subPath } : {}),
      ...(m.readOnly ? { readOnly: true } : {})
    }))
  }
  if (workingDirectory) spec.workingDir = workingDirectory
  return input.options ? withOptions(spec, input.options, STEP_SHM_VOLUME) : spec
}

/** What the step's options add to the pod: a /dev/shm of --shm-size, --add-host entries. */
function optionsPodSpec(input: StepPodInput): Pick<V1PodSpec, 'volumes' | 'hostAliases'> {
  const shmSize = input.options?.shmSize
  const hostAliases = [
    ...(input.services && input.services.names.length > 0
      ? [{ ip: input.services.ip, hostnames: input.services.names }]
      : []),
    ...(input.options?.hostAliases ?? [])
  ]
  return {
    volumes: [
      workVolume(input.storage),
      ...(shmSize
        ? [{ name: STEP_SHM_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: shmSize } }]
        : [])
    ],
    ...(hostAliases.length > 0 ? { hostAliases } : {})
  }
}

function syncContainer(image: string, timeoutSeconds: number): V1Container {
  const ticks = timeoutSeconds * 10
  return {
    name: SYNC_CONTAINER,
    image,
    imagePullPolicy: 'IfNotPresent',
    command: KEEP_ALIVE,
    volumeMounts: [{ name: WORK_VOLUME, mountPath: POD_WORK }],
    lifecycle: {
      postStart: {
        exec: {
          command: [
            'sh',
            '-c',
            `i=0; while [ ! -e ${SYNC_READY} ]; do i=$((i+1)); [ $i -lt ${ticks} ] || exit 1; sleep 0.1; done`
          ]
        }
      }
    }
  }
}

export function stepPodSpec(input: StepPodInput): V1Pod {
  const copy = input.storage.mode === 'copy'
  if (copy && input.syncImage === undefined) {
    throw new HookError(
      'Copy mode needs an image with sh and tar for the container step: set ACTIONS_RUNNER_IMAGE'
    )
  }
  const spec: V1PodSpec = {
    restartPolicy: 'Never',
    // The action's code must not act as the runner.
    automountServiceAccountToken: false,
    containers: [
      ...(copy ? [syncContainer(input.syncImage!, input.syncTimeoutSeconds ?? 600)] : []),
      stepContainer(input)
    ],
    ...optionsPodSpec(input),
    ...placement(input.storage)
  }
  if (input.pullSecrets.length > 0)
    spec.imagePullSecrets = input.pullSecrets.map(name => ({ name }))
  return { metadata: { name: input.name, labels: input.labels }, spec }
}

/** The template as it applies to a step pod: its `$job` container merges into `step`. */
export function stepTemplate(template: PodTemplate): PodTemplate {
  const containers = template.spec?.containers
  if (!containers) return template
  return {
    ...template,
    spec: {
      ...template.spec,
      containers: containers.map(c =>
        c.name === '$job' ? { ...c, name: `$${STEP_CONTAINER}` } : c
      )
    }
  }
}
