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
import { containerCreateOptions, type ContainerRole } from './container-spec'
import { LABEL_ALIAS, LABEL_IMAGE, labels } from './labels'
import { jobContainerName, networkName, serviceContainerName } from './names'
import { dockerCreateOptions } from './options'

export interface PlannedContainer {
  role: ContainerRole
  image: string
  registry: RegistryCredentials | null
  /** `service "redis" (redis:7)` or `job container (node:20)`, for messages. */
  description: string
  alias: string | null
  field: string
  create: Docker.ContainerCreateOptions
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
    const create = containerCreateOptions(
      {
        role,
        name,
        image,
        container: c,
        options: dockerCreateOptions(c.createOptions, `${field}.createOptions`),
        labels: containerLabels,
        network,
        aliases: alias === null ? [] : [alias],
        hostEnv: ctx.hostEnv,
        field
      },
      joinRunnerArgs(c.entryPointArgs ?? [])
    )
    const description =
      role === 'job' ? `job container (${image})` : `service "${alias}" (${image})`
    return { role, image, registry: c.registry, description, alias, field, create }
  }
  const aliases = serviceAliases(args.services.map((s, i) => imageOf(s, `services[${i}]`)))
  return {
    jobId: ctx.jobId,
    network: { name: network, owned: ctx.existingNetwork === undefined },
    container: args.container === null ? null : plan(args.container, 'job', 'container', null),
    services: args.services.map((s, i) => plan(s, 'service', `services[${i}]`, aliases[i]))
  }
}
