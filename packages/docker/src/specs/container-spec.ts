/**
 * PURE: the engine's container create body for a job, service or step container, from the
 * runner's HookContainer and the parsed `options:`.
 */
import type Docker from 'dockerode'
import {
  classifyMount,
  InputError,
  parsePortMapping,
  type HookContainer
} from '@container-hooks/hooklib'
import { BUILTIN_NETWORK, endpoint } from './options/network-flags'
import type { DockerOptions } from './options'

export type ContainerRole = 'job' | 'service' | 'step'

export interface ContainerSpecInput {
  role: ContainerRole
  name: string
  image: string
  container: HookContainer
  /** The `options:` as docker create maps them (specs/options). */
  options: DockerOptions
  labels: Record<string, string>
  /** The job network; undefined for a step of a job without prepare_job (state null). */
  network: string | undefined
  aliases: string[]
  /** Field prefix for error messages, e.g. "services[1]". */
  field: string
}

// The runner's defaults for the job container and container actions.
const RUNNER_ENV: Record<string, string> = {
  HOME: '/github/home',
  GITHUB_ACTIONS: 'true',
  CI: 'true'
}

type MountSpec = Docker.MountConfig[number]

/**
 * `-e`/`--env-file` (resolved as docker does), then the runner's variables: the runner's own
 * order (`docker create <options> -e …`), so a variable in `env:` wins over one in `options:`.
 */
function envList(input: ContainerSpecInput): string[] {
  const env = new Map<string, string>()
  for (const entry of (input.options.body.Env as string[] | undefined) ?? [])
    env.set(entry.split('=')[0], entry)
  const runner = input.role === 'service' ? {} : RUNNER_ENV
  const given = { ...runner, ...input.container.environmentVariables }
  for (const [name, value] of Object.entries(given)) env.set(name, `${name}=${value}`)
  return [...env.values()]
}

function command(
  input: ContainerSpecInput,
  args: string[]
): Pick<Docker.ContainerCreateOptions, 'Entrypoint' | 'Cmd'> {
  const fromOptions = input.options.body.Entrypoint as string[] | undefined
  const entrypoint = input.container.entryPoint ? [input.container.entryPoint] : fromOptions
  if (entrypoint) return { Entrypoint: entrypoint, Cmd: args }
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
  const host = input.options.body.HostConfig
  binds.push(...((host.Binds as string[] | undefined) ?? []))
  for (const m of (host.Mounts as MountSpec[] | undefined) ?? []) {
    // An anonymous --mount volume is labelled like the hook's own, to be found if left behind.
    const anonymous = m.Type === 'volume' && !m.Source
    const options = { ...m.VolumeOptions, Labels: { ...m.VolumeOptions?.Labels, ...input.labels } }
    list.push(anonymous ? { ...m, VolumeOptions: options as MountSpec['VolumeOptions'] } : m)
  }
  return { Binds: binds, Mounts: list }
}

interface PortSpec {
  ExposedPorts: Record<string, object>
  PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>>
}

function ports(input: ContainerSpecInput): PortSpec {
  const { body } = input.options
  const exposed: Record<string, object> = { ...(body.ExposedPorts as object | undefined) }
  const bindings: PortSpec['PortBindings'] = structuredClone(
    (body.HostConfig.PortBindings as PortSpec['PortBindings'] | undefined) ?? {}
  )
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

/**
 * The job network first, as the runner's `docker create --network <job network> <options>` has
 * it: --network-alias, --ip, --ip6, --link and --link-local-ip apply to it. User-defined
 * networks given with --network are joined after the create (see extraNetworks); host, none,
 * bridge or container: can't be combined with the job network, for the runner neither.
 */
function networking(
  input: ContainerSpecInput
): Pick<Docker.ContainerCreateOptions, 'NetworkingConfig'> & { NetworkMode?: string } {
  const { network, options } = input
  if (network === undefined) {
    // No job network (a step of a job without one): the options' first network, as docker has it.
    const [first] = options.attachments
    const ep = first && endpoint(first, options.first)
    if (!first) return {}
    return {
      NetworkMode: first.target,
      NetworkingConfig: { EndpointsConfig: { [first.target]: ep ?? {} } }
    }
  }
  const builtin = options.attachments.find(a => BUILTIN_NETWORK.test(a.target))
  if (builtin)
    throw new InputError(
      `${input.field}.createOptions: --network "${builtin.target}" can't be combined with the job network ${network}, which the job's containers share (the runner's Docker refuses it too)`
    )
  const ep = BUILTIN_NETWORK.test(network)
    ? {}
    : (endpoint({ target: network, aliases: input.aliases }, options.first) ?? {})
  return { NetworkMode: network, NetworkingConfig: { EndpointsConfig: { [network]: ep } } }
}

/** The --network networks besides the job network: connected between create and start. */
export function extraNetworks(
  input: Pick<ContainerSpecInput, 'network' | 'options'>
): Array<{ network: string; endpoint: Record<string, unknown> }> {
  const list = input.options.attachments.slice(input.network === undefined ? 1 : 0)
  return list
    .filter(a => a.target !== input.network)
    .map(a => ({ network: a.target, endpoint: endpoint(a, undefined) ?? {} }))
}

/** `args` are the already re-tokenized entryPointArgs. */
export function containerCreateOptions(
  input: ContainerSpecInput,
  args: string[]
): Docker.ContainerCreateOptions {
  const { options, container } = input
  const { ExposedPorts, PortBindings } = ports(input)
  const { body, platform } = options
  const { NetworkMode, ...network } = networking(input)
  return {
    ...body,
    name: input.name,
    Image: input.image,
    ...(platform ? { platform } : {}),
    ...command(input, args),
    Env: envList(input),
    WorkingDir: (body.WorkingDir as string | undefined) ?? container.workingDirectory ?? undefined,
    Labels: { ...(body.Labels as Record<string, string> | undefined), ...input.labels },
    ExposedPorts,
    HostConfig: { ...body.HostConfig, ...mounts(input), PortBindings, NetworkMode },
    ...network
  }
}
