// zod/mini: the same validation as zod's classic API at a fraction of the bundle size, which
// every hook invocation pays for at cold start (docs/adrs/0001-bundler.md).
import * as z from 'zod/mini'
import { COMMANDS } from './protocol'

/*
 * Schemas for the runner's stdin payload (protocol.md §3). Lenient where the runner is loose:
 * a missing or null list/map becomes empty and a missing nullable field becomes null, so newer
 * or older runners keep working. Unknown fields are stripped (zod's default), never rejected.
 */

function orNull<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.nullish(schema),
    z.transform((v: z.output<T> | null | undefined) => v ?? null)
  )
}

function orEmpty<T extends z.ZodMiniType, E extends z.output<T>>(schema: T, empty: () => E) {
  return z.pipe(
    z.nullish(schema),
    z.transform((v: z.output<T> | null | undefined): z.output<T> => v ?? empty())
  )
}

const nonEmptyString = z.string().check(z.minLength(1))
const stringList = orEmpty(z.array(z.string()), () => [])
// A null env value (an unset expression) is passed as an empty string.
const envMap = orEmpty(
  z.record(
    z.string(),
    z.pipe(
      z.nullable(z.string()),
      z.transform((v: string | null) => v ?? '')
    )
  ),
  () => ({})
)

export const mountVolumeSchema = z.object({
  userProvidedValue: orNull(z.string()),
  sourceVolumePath: orNull(z.string()),
  targetVolumePath: nonEmptyString,
  readOnly: orEmpty(z.boolean(), () => false)
})
const mountList = orEmpty(z.array(mountVolumeSchema), () => [])

const registrySchema = z.object({
  username: z.string(),
  password: z.string(),
  serverUrl: orEmpty(z.string(), () => '')
})

export const hookContainerSchema = z.object({
  image: orNull(z.string()),
  dockerfile: orNull(z.string()),
  entryPoint: orNull(z.string()),
  entryPointArgs: stringList,
  workingDirectory: orNull(z.string()),
  createOptions: orNull(z.string()),
  registry: orNull(registrySchema),
  environmentVariables: envMap,
  portMappings: stringList,
  systemMountVolumes: mountList,
  userMountVolumes: mountList
})

// prepare_job containers are always pulled by name: a Dockerfile only exists for container steps.
const jobContainerSchema = z.extend(hookContainerSchema, { image: nonEmptyString })

export const prepareJobArgsSchema = z.object({
  container: orNull(jobContainerSchema),
  services: orEmpty(z.array(jobContainerSchema), () => [])
})

export const containerStepArgsSchema = hookContainerSchema.check(
  z.refine(c => Boolean(c.image) || Boolean(c.dockerfile), {
    message: 'expected an image or a dockerfile, got neither',
    path: ['image']
  })
)

export const scriptStepArgsSchema = z.object({
  entryPoint: nonEmptyString,
  entryPointArgs: stringList,
  environmentVariables: envMap,
  prependPath: stringList,
  workingDirectory: nonEmptyString
})

export const cleanupJobArgsSchema = z.object({})

export const envelopeSchema = z.object({
  command: z.enum(COMMANDS),
  responseFile: nonEmptyString,
  args: z.optional(z.unknown()),
  state: orNull(z.record(z.string(), z.unknown()))
})
