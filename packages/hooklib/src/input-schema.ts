import { z } from 'zod'
import { COMMANDS } from './protocol'

/*
 * Schemas for the runner's stdin payload (protocol.md §3). Lenient where the runner is loose:
 * a missing or null list/map becomes empty and a missing nullable field becomes null, so newer
 * or older runners keep working. Unknown fields are stripped (zod's default), never rejected.
 */

const nullableString = z
  .string()
  .nullish()
  .transform(v => v ?? null)
const stringList = z
  .array(z.string())
  .nullish()
  .transform(v => v ?? [])
// A null env value (an unset expression) is passed as an empty string.
const envMap = z
  .record(
    z.string(),
    z
      .string()
      .nullable()
      .transform(v => v ?? '')
  )
  .nullish()
  .transform(v => v ?? {})

export const mountVolumeSchema = z.object({
  userProvidedValue: nullableString,
  sourceVolumePath: nullableString,
  targetVolumePath: z.string().min(1),
  readOnly: z
    .boolean()
    .nullish()
    .transform(v => v ?? false)
})
const mountList = z
  .array(mountVolumeSchema)
  .nullish()
  .transform(v => v ?? [])

const registrySchema = z.object({
  username: z.string(),
  password: z.string(),
  serverUrl: z
    .string()
    .nullish()
    .transform(v => v ?? '')
})

export const hookContainerSchema = z.object({
  image: nullableString,
  dockerfile: nullableString,
  entryPoint: nullableString,
  entryPointArgs: stringList,
  workingDirectory: nullableString,
  createOptions: nullableString,
  registry: registrySchema.nullish().transform(v => v ?? null),
  environmentVariables: envMap,
  portMappings: stringList,
  systemMountVolumes: mountList,
  userMountVolumes: mountList
})

// prepare_job containers are always pulled by name: a Dockerfile only exists for container steps.
const jobContainerSchema = hookContainerSchema.extend({ image: z.string().min(1) })

export const prepareJobArgsSchema = z.object({
  container: jobContainerSchema.nullish().transform(v => v ?? null),
  services: z
    .array(jobContainerSchema)
    .nullish()
    .transform(v => v ?? [])
})

export const containerStepArgsSchema = hookContainerSchema.refine(
  c => Boolean(c.image) || Boolean(c.dockerfile),
  { message: 'expected an image or a dockerfile, got neither', path: ['image'] }
)

export const scriptStepArgsSchema = z.object({
  entryPoint: z.string().min(1),
  entryPointArgs: stringList,
  environmentVariables: envMap,
  prependPath: stringList,
  workingDirectory: z.string().min(1)
})

export const cleanupJobArgsSchema = z.object({})

export const envelopeSchema = z.object({
  command: z.enum(COMMANDS),
  responseFile: z.string().min(1),
  args: z.unknown().optional(),
  state: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform(v => v ?? null)
})
