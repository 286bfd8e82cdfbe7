import type {
  HookContainer,
  MountVolume,
  PrepareJobArgs,
  ScriptStepArgs
} from '@container-hooks/hooklib'
import type { ContainerSpec } from './job-schema'
import type { RunnerLayout } from './layout'

/** The runner's quirk: `Split(' ')` of the argument string, literal quotes kept (docs/protocol.md). */
export function splitRunnerArgs(args: string | null | undefined): string[] {
  return args == null ? [] : args.split(' ').map(a => a.trim())
}

/** How the runner joins an action's `runs.args` list before splitting it again. */
export function quoteActionArgs(args: string[]): string {
  return args.map(a => ` "${a.replace(/"/g, '\\"')}"`).join('')
}

/** Registry host of an image name; "" for Docker Hub (no dot, colon or "localhost" in the first part). */
export function registryHost(image: string): string {
  const slash = image.indexOf('/')
  if (slash < 0) return ''
  const first = image.slice(0, slash)
  return /[.:]/.test(first) || first === 'localhost' ? first : ''
}

function mount(source: string, target: string, readOnly = false): MountVolume {
  return { userProvidedValue: null, sourceVolumePath: source, targetVolumePath: target, readOnly }
}

/** `volumes:` entries: "src:target[:ro]" or just "target" (anonymous volume). */
export function userMount(value: string): MountVolume {
  const parts = value.split(':')
  const readOnly = parts.length === 3 && parts[2] === 'ro'
  if (parts.length === 1)
    return {
      userProvidedValue: value,
      sourceVolumePath: null,
      targetVolumePath: parts[0],
      readOnly
    }
  return {
    userProvidedValue: value,
    sourceVolumePath: parts[0],
    targetVolumePath: parts[1],
    readOnly
  }
}

/** docs/protocol.md: the job container's system mounts, in the runner's order. */
export function jobContainerMounts(layout: RunnerLayout): MountVolume[] {
  return [
    mount('/var/run/docker.sock', '/var/run/docker.sock'),
    mount(layout.work, '/__w'),
    mount(layout.externals, '/__e', true),
    mount(layout.temp, '/__w/_temp'),
    mount(layout.actions, '/__w/_actions'),
    mount(layout.tool, '/__w/_tool'),
    mount(layout.githubHome, '/github/home'),
    mount(layout.githubWorkflow, '/github/workflow')
  ]
}

/** docs/protocol.md, run_container_step: the mounts of a container action. */
export function containerStepMounts(layout: RunnerLayout): MountVolume[] {
  return [
    mount('/var/run/docker.sock', '/var/run/docker.sock'),
    mount(layout.temp, '/github/runner_temp'),
    mount(layout.githubHome, '/github/home'),
    mount(layout.githubWorkflow, '/github/workflow'),
    mount(layout.fileCommands, '/github/file_commands'),
    mount(layout.workspace, '/github/workspace')
  ]
}

function jobLevelContainer(
  spec: ContainerSpec,
  env: Record<string, string>,
  systemMounts: MountVolume[],
  workingDirectory: string | null
): HookContainer {
  return {
    image: spec.image,
    dockerfile: null,
    entryPoint: null,
    entryPointArgs: [],
    workingDirectory,
    createOptions: spec.options ?? null,
    registry: spec.credentials?.username
      ? {
          username: spec.credentials.username,
          password: spec.credentials.password,
          serverUrl: registryHost(spec.image)
        }
      : null,
    environmentVariables: env,
    portMappings: spec.ports,
    systemMountVolumes: systemMounts,
    userMountVolumes: spec.volumes.map(userMount)
  }
}

/** The runner's proxy settings, passed to job and service containers in both cases. */
export function proxyEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) {
    const value = env[name] ?? env[name.toLowerCase()]
    if (value) {
      out[name] = value
      out[name.toLowerCase()] = value
    }
  }
  return out
}

/** prepare_job args: the job container (HOME=/github/home) and the services, without names. */
export function prepareJobArgs(
  container: ContainerSpec | undefined,
  services: ContainerSpec[],
  layout: RunnerLayout,
  proxy: Record<string, string> = {}
): PrepareJobArgs {
  return {
    container: container
      ? jobLevelContainer(
          container,
          { ...proxy, ...container.env, HOME: '/github/home' },
          jobContainerMounts(layout),
          `/__w/${layout.repoName}/${layout.repoName}`
        )
      : null,
    services: services.map(s => jobLevelContainer(s, { ...proxy, ...s.env }, [], null))
  }
}

export interface ContainerStepParts {
  image: string | null
  dockerfile: string | null
  entryPoint: string | null
  args: string | null
  env: Record<string, string>
}

export function containerStepArgs(p: ContainerStepParts, layout: RunnerLayout): HookContainer {
  return {
    image: p.image,
    dockerfile: p.dockerfile,
    entryPoint: p.entryPoint,
    entryPointArgs: splitRunnerArgs(p.args),
    workingDirectory: '/github/workspace',
    createOptions: null,
    registry: null,
    environmentVariables: { ...p.env, HOME: '/github/home' },
    portMappings: [],
    systemMountVolumes: containerStepMounts(layout),
    userMountVolumes: []
  }
}

export const SHELL_ARGS: Record<'sh' | 'bash', string[]> = {
  sh: ['-e'],
  bash: ['--noprofile', '--norc', '-e', '-o', 'pipefail']
}

export function scriptStepArgs(
  entryPoint: string,
  entryPointArgs: string[],
  env: Record<string, string>,
  prependPath: string[],
  workingDirectory: string
): ScriptStepArgs {
  return {
    entryPoint,
    entryPointArgs,
    environmentVariables: env,
    prependPath: [...prependPath],
    workingDirectory
  }
}
