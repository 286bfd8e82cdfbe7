/**
 * PURE: a workflow's `options:` (createOptions) for a container of the job pod, mapped where
 * Kubernetes has an equivalent. Everything else is collected in `ignored` so prepare_job can
 * name it in one warning: a flag is never dropped silently. The template still applies on top.
 */
import type {
  V1Container,
  V1EnvVar,
  V1HostAlias,
  V1Probe,
  V1ResourceRequirements,
  V1SecurityContext
} from '@kubernetes/client-node'
import {
  InputError,
  parseCreateOptions,
  type CreateOptions,
  type HookContainer,
  type PrepareJobArgs
} from '@container-hooks/hooklib'
import { startupProbe, unusedHealthFlags } from './health-probe'

export interface ContainerOptions {
  /** Appended after the runner's env, so `-e` wins as with `docker create`. */
  env: V1EnvVar[]
  entrypoint?: string
  workingDir?: string
  resources?: V1ResourceRequirements
  securityContext?: V1SecurityContext
  startupProbe?: V1Probe
  /** sizeLimit of a memory-backed emptyDir at /dev/shm. */
  shmSize?: string
  /** Pod-level in Kubernetes: see `jobOptions`. */
  hostname?: string
  /** `--add-host`: pod-level, every container of the pod sees them. */
  hostAliases: V1HostAlias[]
  /** `--network-alias`: more names that resolve to the pod (127.0.0.1). */
  localNames: string[]
  /** Flags with no Kubernetes equivalent, as written (long form). */
  ignored: string[]
}

export interface JobOptions {
  /** Empty options when the job has no job container. */
  container: ContainerOptions
  services: ContainerOptions[]
  /** The pod's hostname: the job container's `--hostname`, else the first service's. */
  hostname?: string
}

// Parsed by hooklib but with no Kubernetes equivalent: the flag to name in the warning.
const UNMAPPED: Array<[string, (o: CreateOptions) => boolean]> = [
  ['--memory-swap', o => o.memorySwapBytes !== undefined],
  ['--tmpfs', o => Object.keys(o.tmpfs).length > 0],
  ['--ulimit', o => o.ulimits.length > 0],
  ['--mount', o => o.mounts.length > 0],
  ['--volume', o => o.volumes.length > 0],
  ['--label', o => Object.keys(o.labels).length > 0],
  ['--init', o => o.init],
  ['--ipc', o => o.ipc !== undefined],
  ['--pid', o => o.pid !== undefined]
]

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

/** Kubernetes' canonical CPU quantity: "1", "1500m". */
export function cpuQuantity(cpus: number): string {
  const milli = Math.max(1, Math.round(cpus * 1000))
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`
}

/** Kubernetes' canonical memory quantity for bytes: "256Mi", "1Gi", "1000". */
export function memoryQuantity(bytes: number): string {
  for (const [suffix, size] of [
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10]
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`
  }
  return String(bytes)
}

function resources(o: CreateOptions): V1ResourceRequirements | undefined {
  const limits: Record<string, string> = {}
  if (o.cpus !== undefined) limits.cpu = cpuQuantity(o.cpus)
  if (o.memoryBytes !== undefined) limits.memory = memoryQuantity(o.memoryBytes)
  // Limits only: Kubernetes then requests the same amount, so the scheduler reserves it.
  return Object.keys(limits).length > 0 ? { limits } : undefined
}

function numericId(value: string, user: string, field: string): number {
  if (value === 'root') return 0
  if (/^\d+$/.test(value)) return Number(value)
  throw new InputError(
    `${field}: --user "${user}": Kubernetes needs a numeric uid[:gid] such as 1000:1000 (user and group names other than root can't be looked up in the image)`
  )
}

function securityContext(o: CreateOptions, field: string): V1SecurityContext | undefined {
  const ctx: V1SecurityContext = {}
  if (o.user !== undefined) {
    const [user, group, extra] = o.user.split(':')
    if (extra !== undefined || user === '')
      throw new InputError(`${field}: --user "${o.user}" must be uid[:gid]`)
    ctx.runAsUser = numericId(user, o.user, field)
    if (group !== undefined) ctx.runAsGroup = numericId(group, o.user, field)
  }
  // Kubernetes wants capability names without docker's optional CAP_ prefix.
  const caps = (list: string[]): string[] => list.map(c => c.toUpperCase().replace(/^CAP_/, ''))
  if (o.capAdd.length > 0 || o.capDrop.length > 0) {
    ctx.capabilities = {}
    if (o.capAdd.length > 0) ctx.capabilities.add = caps(o.capAdd)
    if (o.capDrop.length > 0) ctx.capabilities.drop = caps(o.capDrop)
  }
  if (o.privileged) ctx.privileged = true
  return Object.keys(ctx).length > 0 ? ctx : undefined
}

function hostname(o: CreateOptions, field: string): string | undefined {
  if (o.hostname === undefined) return undefined
  if (!DNS_LABEL.test(o.hostname))
    throw new InputError(
      `${field}: --hostname "${o.hostname}" is not a valid pod hostname on Kubernetes: use one DNS label (lowercase letters, digits and '-', at most 63 characters)`
    )
  return o.hostname
}

function hostAliases(o: CreateOptions): V1HostAlias[] {
  return o.addHosts.map(pair => {
    const i = pair.indexOf(':')
    return { ip: pair.slice(i + 1), hostnames: [pair.slice(0, i)] }
  })
}

/** `field` names the options in errors, e.g. "args.services[1].createOptions". */
export function containerOptions(
  raw: string | null,
  field: string,
  hostEnv: NodeJS.ProcessEnv
): ContainerOptions {
  const { options: o, unknown } = parseCreateOptions(raw, field)
  const env: V1EnvVar[] = []
  for (const { name, value } of o.env) {
    // `-e NAME` copies the variable from the hook's environment, as docker does from its client's.
    const resolved = value ?? hostEnv[name]
    if (resolved !== undefined) env.push({ name, value: resolved })
  }
  return {
    env,
    entrypoint: o.entrypoint,
    workingDir: o.workdir,
    resources: resources(o),
    securityContext: securityContext(o, field),
    startupProbe: startupProbe(o.health),
    shmSize: o.shmSizeBytes === undefined ? undefined : memoryQuantity(o.shmSizeBytes),
    hostname: hostname(o, field),
    hostAliases: hostAliases(o),
    localNames: o.networkAliases,
    ignored: [
      ...new Set([
        ...unknown,
        ...UNMAPPED.filter(([, used]) => used(o)).map(([flag]) => flag),
        ...unusedHealthFlags(o.health)
      ])
    ]
  }
}

/** The options of every container of the job; one pod, so one hostname. */
export function jobOptions(args: PrepareJobArgs, hostEnv: NodeJS.ProcessEnv): JobOptions {
  const of = (c: Pick<HookContainer, 'createOptions'>, field: string): ContainerOptions =>
    containerOptions(c.createOptions, `args.${field}.createOptions`, hostEnv)
  const container = of(args.container ?? { createOptions: null }, 'container')
  const services = args.services.map((s, i) => of(s, `services[${i}]`))
  let podHostname: string | undefined
  for (const o of [container, ...services]) {
    if (o.hostname === undefined) continue
    podHostname ??= o.hostname
    // Containers of a pod share one UTS namespace: a second, different hostname can't apply.
    if (o.hostname !== podHostname) o.ignored.push('--hostname (one per pod)')
  }
  return { container, services, ...(podHostname ? { hostname: podHostname } : {}) }
}

/** One warning line naming every ignored flag and where it was, or undefined when none. */
export function ignoredOptionsWarning(
  args: PrepareJobArgs,
  options: JobOptions
): string | undefined {
  const parts: string[] = []
  const add = (c: HookContainer, o: ContainerOptions, field: string): void => {
    if (o.ignored.length > 0)
      parts.push(`args.${field}.createOptions (${c.image ?? '?'}): ${o.ignored.join(', ')}`)
  }
  if (args.container) add(args.container, options.container, 'container')
  args.services.forEach((s, i) => add(s, options.services[i], `services[${i}]`))
  if (parts.length === 0) return undefined
  return `These options have no Kubernetes equivalent and were ignored: ${parts.join('; ')}`
}

/** The container with its options applied; `shmVolume` is the pod volume for `--shm-size`. */
export function withOptions(
  spec: V1Container,
  o: ContainerOptions,
  shmVolume: string
): V1Container {
  const out: V1Container = { ...spec, env: [...(spec.env ?? []), ...o.env] }
  if (o.workingDir !== undefined) out.workingDir = o.workingDir
  if (o.resources) out.resources = o.resources
  if (o.securityContext) out.securityContext = o.securityContext
  if (o.startupProbe) out.startupProbe = o.startupProbe
  if (o.shmSize !== undefined)
    out.volumeMounts = [...(spec.volumeMounts ?? []), { name: shmVolume, mountPath: '/dev/shm' }]
  return out
}
