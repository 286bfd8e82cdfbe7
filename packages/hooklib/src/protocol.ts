/**
 * The runner ⇄ hook contract (docs/protocol.md; runner v2.336): what the runner sends on
 * stdin and what it reads back from `responseFile`. Property names are camelCase; env maps keep
 * their keys' case; the runner sends nulls explicitly.
 */

export const COMMANDS = [
  'prepare_job',
  'cleanup_job',
  'run_script_step',
  'run_container_step'
] as const
export type Command = (typeof COMMANDS)[number]

export interface MountVolume {
  userProvidedValue: string | null
  /** HOST path, a named volume, or null/"" for an anonymous volume. */
  sourceVolumePath: string | null
  targetVolumePath: string
  readOnly: boolean
}

export interface RegistryCredentials {
  username: string
  password: string
  /** Registry host taken from the image name; "" means Docker Hub. */
  serverUrl: string
}

export interface HookContainer {
  /** null when `dockerfile` is set. */
  image: string | null
  /** HOST path of a Dockerfile (run_container_step only). */
  dockerfile: string | null
  entryPoint: string | null
  /** Split by the runner on single spaces: see `joinRunnerArgs`. */
  entryPointArgs: string[]
  workingDirectory: string | null
  /** The workflow's raw `options:` string. */
  createOptions: string | null
  registry: RegistryCredentials | null
  environmentVariables: Record<string, string>
  /** Raw: "80", "8080:80", "6379/tcp", "8080:80/udp". */
  portMappings: string[]
  systemMountVolumes: MountVolume[]
  userMountVolumes: MountVolume[]
}

export interface PrepareJobArgs {
  container: HookContainer | null
  /** No names: index order is the only link between input services and the response. */
  services: HookContainer[]
}

export interface ScriptStepArgs {
  entryPoint: string
  entryPointArgs: string[]
  /** The full step env, secrets included, with container paths. */
  environmentVariables: Record<string, string>
  /** To prepend to PATH; the first entry wins. */
  prependPath: string[]
  workingDirectory: string
}

export type ContainerStepArgs = HookContainer

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the runner sends `{}`
export type CleanupJobArgs = {}

/** Whatever a hook saved; sent back unchanged with every later command. */
export type HookState = Record<string, unknown>

interface InputOf<C extends Command, A> {
  command: C
  /** Always set; the runner created it empty and deletes it after reading. */
  responseFile: string
  args: A
  state: HookState | null
}

export type PrepareJobInput = InputOf<'prepare_job', PrepareJobArgs>
export type CleanupJobInput = InputOf<'cleanup_job', CleanupJobArgs>
export type ScriptStepInput = InputOf<'run_script_step', ScriptStepArgs>
export type ContainerStepInput = InputOf<'run_container_step', ContainerStepArgs>
export type HookInput = PrepareJobInput | CleanupJobInput | ScriptStepInput | ContainerStepInput

/** `ports` maps a container port ("80/tcp" or "80") to the host port as a string. */
export interface ContainerContext {
  id?: string
  network?: string
  ports?: Record<string, string>
}

/** Every service entry MUST carry `ports` (possibly `{}`) or the runner rejects the response. */
export interface ServiceContext {
  id?: string
  network?: string
  ports: Record<string, string>
}

export interface PrepareJobResponse {
  state?: HookState
  context?: {
    container?: ContainerContext
    /** Index-matched to the input services; never longer than them. */
    services?: ServiceContext[]
  }
  /** Required whenever `args.container` was not null: picks the musl node for JS actions. */
  isAlpine?: boolean
}

export interface StepResponse {
  /** Replaces the saved state when present. */
  state?: HookState
}

export type HookResponse = PrepareJobResponse | StepResponse
