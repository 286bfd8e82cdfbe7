/**
 * PURE: the engine's container create body for a job, service or step container, from the
 * runner's HookContainer and the parsed `options:`.
 */
import type Docker from 'dockerode'
import {
  classifyMount,
  parsePortMapping,
  type CreateOptions,
  type HookContainer
} from '@container-hooks/hooklib'

export type ContainerRole = 'job' | 'service' | 'step'

export interface ContainerSpecInput {
  role: ContainerRole
  name: string
  image: string
  container: HookContainer
  options: CreateOptions
  labels: Record<string, string>
  /** The job network; undefined for a step of a job without prepare_job (state null). */
  network: string | undefined
  aliases: string[]
  /** The hook's environment, for `-e NAME` without a value (docker copies it from the client). */
  hostEnv: NodeJS.ProcessEnv
  /** Field prefix for error messages, e.g. "services[1]". */
  field: string
}

// The runner's defaults for the job container and container actions.
const RUNNER_ENV: Record<string, string> = {
  HOME: '/github/home',
  GITHUB_ACTIONS: 'true',
  CI: 'true'
}

// Networks on which the engine refuses network-scoped aliases.
const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none', 'default'])

const NS_PER_MS = 1e6

type MountSpec = Docker.MountConfig[number]

function envList(input: ContainerSpecInput): string[] {
  const env = new Map<string, string>(input.role === 'service' ? [] : Object.entries(RUNNER_ENV))
  for (const [name, value] of Object.entries(input.container.environmentVariables)) {
    env.set(name, value)
  }
  for (const { name, value } of input.options.env) {
    const resolved = value ?? input.hostEnv[name]
    if (resolved !== undefined) env.set(name, resolved)
  }
  return [...env].map(([name, value]) => `${name}=${value}`)
}

function command(
  input: ContainerSpecInput,
  args: string[]
): Pick<Docker.ContainerCreateOptions, 'Entrypoint' | 'Cmd'> {
  const entrypoint = input.container.entryPoint ?? input.options.entrypoint
  if (entrypoint) return { Entrypoint: [entrypoint], Cmd: args }
  // The runner sends no entrypoint for the job container: keep it alive for the steps' execs.
  if (input.role === 'job') return { Entrypoint: ['tail'], Cmd: ['-f', '/dev/null'] }
  return args.length > 0 ? { Cmd: args } : {}
}

/**
 * An anonymous volume, labelled like the container: removed with it (`v: true`), and found by
 * label if a crash ever left it behind. Named volumes get no labels: they outlive the job.
 */
function anonymousVolume(target: string, readOnly: boolean, input: ContainerSpecInput): MountSpec {
  // The engine fills in the driver and the other options it is not given.
  const options = { Labels: input.labels } as MountSpec['VolumeOptions']
  return { Type: 'volume', Source: '', Target: target, ReadOnly: readOnly, VolumeOptions: options }
}

function mounts(input: ContainerSpecInput): Pick<Docker.HostConfig, 'Binds' | 'Mounts'> {
  const binds: string[] = []
  const list: Docker.MountConfig = []
  const all = [
    ...input.container.systemMountVolumes.map((m, i) => ({
      m,
      field: `${input.field}.systemMountVolumes[${i}]`
    })),
    ...input.container.userMountVolumes.map((m, i) => ({
      m,
      field: `${input.field}.userMountVolumes[${i}]`
    }))
  ]
  for (const { m, field } of all) {
    const mount = classifyMount(m, field)
    if (mount.kind === 'anonymous') list.push(anonymousVolume(mount.target, mount.readOnly, input))
    // Binds (not Mounts) so a missing host directory is created, as `docker create -v` does.
    else binds.push(`${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`)
  }
  binds.push(...input.options.volumes)
  for (const m of input.options.mounts) {
    const source = m.source ?? ''
    if (m.type === 'volume' && source === '')
      list.push(anonymousVolume(m.target, m.readOnly, input))
    else list.push({ Type: m.type, Source: source, Target: m.target, ReadOnly: m.readOnly })
  }
  return { Binds: binds, Mounts: list }
}

interface PortSpec {
  ExposedPorts: Record<string, object>
  PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>
}

function ports(input: ContainerSpecInput): PortSpec {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {}
  input.container.portMappings.forEach((raw, i) => {
    const p = parsePortMapping(raw, `${input.field}.portMappings[${i}]`)
    const key = `${p.containerPort}/${p.protocol}`
    exposed[key] = {}
    ;(bindings[key] ??= []).push({
      HostIp: p.hostIp ?? '',
      HostPort: p.hostPort === undefined ? '' : String(p.hostPort)
    })
  })
  return { ExposedPorts: exposed, PortBindings: bindings }
}

function healthcheck(options: CreateOptions): Docker.HealthConfig | undefined {
  const h = options.health
  if (h.disabled) return { Test: ['NONE'] }
  const ns = (ms: number | undefined): number | undefined =>
    ms === undefined ? undefined : Math.round(ms * NS_PER_MS)
  const config: Docker.HealthConfig = {
    Test: h.cmd === undefined ? undefined : ['CMD-SHELL', h.cmd],
    Interval: ns(h.intervalMs),
    Timeout: ns(h.timeoutMs),
    StartPeriod: ns(h.startPeriodMs),
    Retries: h.retries
  }
  // Unset fields (and an unset Test) inherit the image's HEALTHCHECK, as with `docker create`.
  return Object.values(config).some(v => v !== undefined) ? config : undefined
}

function resources(o: CreateOptions): Docker.HostConfig {
  return {
    NanoCpus: o.cpus === undefined ? undefined : Math.round(o.cpus * 1e9),
    Memory: o.memoryBytes,
    MemorySwap: o.memorySwapBytes,
    ShmSize: o.shmSizeBytes,
    Privileged: o.privileged || undefined,
    CapAdd: o.capAdd.length > 0 ? o.capAdd : undefined,
    CapDrop: o.capDrop.length > 0 ? o.capDrop : undefined,
    Tmpfs: Object.keys(o.tmpfs).length > 0 ? o.tmpfs : undefined,
    Ulimits:
      o.ulimits.length > 0
        ? o.ulimits.map(u => ({ Name: u.name, Soft: u.soft, Hard: u.hard }))
        : undefined,
    ExtraHosts: o.addHosts.length > 0 ? o.addHosts : undefined,
    Init: o.init || undefined,
    IpcMode: o.ipc,
    PidMode: o.pid
  }
}

function networking(
  input: ContainerSpecInput
): Pick<Docker.ContainerCreateOptions, 'NetworkingConfig'> {
  const { network } = input
  if (network === undefined) return {}
  const aliases = BUILTIN_NETWORKS.has(network)
    ? []
    : [...input.aliases, ...input.options.networkAliases]
  return {
    NetworkingConfig: {
      EndpointsConfig: { [network]: aliases.length > 0 ? { Aliases: aliases } : {} }
    }
  }
}

/** `args` are the already re-tokenized entryPointArgs. */
export function containerCreateOptions(
  input: ContainerSpecInput,
  args: string[]
): Docker.ContainerCreateOptions {
  const { options, container } = input
  const { ExposedPorts, PortBindings } = ports(input)
  return {
    name: input.name,
    Image: input.image,
    ...command(input, args),
    Env: envList(input),
    WorkingDir: options.workdir ?? container.workingDirectory ?? undefined,
    User: options.user,
    Hostname: options.hostname,
    Labels: { ...options.labels, ...input.labels },
    ExposedPorts,
    Healthcheck: healthcheck(options),
    HostConfig: {
      ...resources(options),
      ...mounts(input),
      PortBindings,
      NetworkMode: input.network
    },
    ...networking(input)
  }
}
