/**
 * PURE: everything prepare_job will create, computed (and so validated: options, ports, mounts)
 * before the first engine call, so bad input never leaves anything behind.
 */
import type Docker from 'dockerode'
import {
  InputError,
  joinRunnerArgs,
  serviceAliases,
  type HookContainer,
  type PrepareJobArgs,
  type RegistryCredentials
} from '@container-hooks/hooklib'
import { containerCreateOptions, extraNetworks, type ContainerRole } from './container-spec'
import { LABEL_ALIAS, LABEL_IMAGE, labels } from './labels'
import { jobContainerName, networkName, serviceContainerName } from './names'
import { dockerOptions, type OptionsContext } from './options'
import { ignoredWarning } from './options/ignored-flags'

export interface PlannedContainer {
  role: ContainerRole
  image: string
  registry: RegistryCredentials | null
  /** `service "redis" (redis:7)` or `job container (node:20)`, for messages. */
  description: string
  alias: string | null
  field: string
  create: Docker.ContainerCreateOptions
  /** --network networks joined after the create. */
  connect: Array<{ network: string; endpoint: Record<string, unknown> }>
  /** One line naming the ignored options (--rm, -d, …), if any. */
  warning?: string
  /** `--platform`: the image is pulled for it. */
  platform?: string
}

export interface JobPlan {
  jobId: string
  network: { name: string; owned: boolean }
  container: PlannedContainer | null
  services: PlannedContainer[]
}

export interface PlanContext {
  jobId: string
  runnerName: string
  /** ACTIONS_RUNNER_NETWORK_DRIVER: an existing network to join. */
  existingNetwork: string | undefined
  hostEnv: NodeJS.ProcessEnv
  /** Reads --env-file, --label-file and seccomp profiles, as the Docker CLI does. */
  readFile: OptionsContext['readFile']
  /** config.json's proxy variables, added to each container as `docker create` adds them. */
  proxies?: Record<string, string>
}

function imageOf(c: HookContainer, field: string): string {
  if (typeof c.image !== 'string' || c.image.trim() === '')
    throw new InputError(`${field}.image is required, got ${JSON.stringify(c.image)}`)
  return c.image.trim()
}

export function planJob(args: PrepareJobArgs, ctx: PlanContext): JobPlan {
  if (args.container === null && args.services.length === 0) {
    throw new InputError('prepare_job got neither a container nor services; nothing to prepare')
  }
  const network = ctx.existingNetwork ?? networkName(ctx.jobId)
  const plan = (
    c: HookContainer,
    role: ContainerRole,
    field: string,
    alias: string | null
  ): PlannedContainer => {
    const image = imageOf(c, field)
    const name =
      role === 'job' ? jobContainerName(ctx.jobId) : serviceContainerName(ctx.jobId, alias ?? '')
    const containerLabels: Record<string, string> = {
      ...labels(ctx.runnerName, ctx.jobId, role),
      [LABEL_IMAGE]: image
    }
    if (alias !== null) containerLabels[LABEL_ALIAS] = alias
    const optionsField = `${field}.createOptions`
    const options = dockerOptions(c.createOptions, optionsField, {
      env: ctx.hostEnv,
      readFile: ctx.readFile,
      proxies: ctx.proxies
    })
    const input = {
      role,
      name,
      image,
      container: c,
      options,
      labels: containerLabels,
      network,
      aliases: alias === null ? [] : [alias],
      field
    }
    const create = containerCreateOptions(input, joinRunnerArgs(c.entryPointArgs ?? []))
    const warning =
      options.ignored.length > 0 ? ignoredWarning(optionsField, options.ignored) : undefined
    const description =
      role === 'job' ? `job container (${image})` : `service "${alias}" (${image})`
    const connect = extraNetworks(input)
    return {
      role,
      image,
      registry: c.registry,
      description,
      alias,
      field,
      create,
      connect,
      warning,
      platform: options.platform
    }
  }
  const aliases = serviceAliases(args.services.map((s, i) => imageOf(s, `args.services[${i}]`)))
  return {
    jobId: ctx.jobId,
    network: { name: network, owned: ctx.existingNetwork === undefined },
    container: args.container === null ? null : plan(args.container, 'job', 'args.container', null),
    services: args.services.map((s, i) => plan(s, 'service', `args.services[${i}]`, aliases[i]))
  }
}
