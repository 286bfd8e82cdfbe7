// zod/mini: the same validation as zod's classic API at a fraction of the bundle size, which
// every hook invocation pays for at cold start (docs/adrs/0001-bundler.md).
import * as z from 'zod/mini'
import { describeValue } from './describe-value'
import { imageReferenceProblem } from './image-reference'
import { COMMANDS } from './protocol'

/*
 * Schemas for the runner's stdin payload (docs/protocol.md). Lenient where the runner is loose:
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

/*
 * Bounds that the backends enforce only after a pod or container exists, or not at all (a
 * 1 MB entrypoint wedged runc's exec on a shared engine): the kernel refuses an argument or an
 * environment string over MAX_ARG_STRLEN (32 pages), paths over PATH_MAX, and the API server a
 * request over 1.5 MiB, so an exec or a pod spec is kept under 1 MiB of arguments and env.
 */
export const INPUT_LIMITS = {
  path: 4096,
  argument: 131_071,
  argumentsAndEnv: 1024 * 1024,
  image: 1024,
  createOptions: 64 * 1024,
  credential: 64 * 1024,
  list: 1000
} as const

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8')

function bounded(max: number, what = 'characters') {
  return z
    .string()
    .check(z.refine(s => utf8Length(s) <= max, { message: `at most ${max} bytes (${what})` }))
}

const pathString = bounded(INPUT_LIMITS.path, 'PATH_MAX')
const nonEmptyPath = pathString.check(z.minLength(1))
const argument = bounded(INPUT_LIMITS.argument, "the kernel's limit for one argument")
const stringList = orEmpty(z.array(argument).check(z.maxLength(INPUT_LIMITS.list)), () => [])
// '' is left to the required/optional rules of each field (a container step may have a dockerfile).
const imageReference = z.superRefine((image: string, ctx) => {
  if (image === '') return
  const problem =
    utf8Length(image) > INPUT_LIMITS.image
      ? `longer than ${INPUT_LIMITS.image} bytes`
      : imageReferenceProblem(image)
  if (problem)
    ctx.issues.push({
      code: 'custom',
      message: `${describeValue(image)}: ${problem}`,
      input: image
    })
})
const imageString = z.string().check(imageReference)
const ENV_NAME = /^[^=\0]+$/
// A null env value (an unset expression) is passed as an empty string.
const envMap = orEmpty(
  z.record(
    z
      .string()
      .check(
        z.regex(ENV_NAME, { message: 'an environment variable name is non-empty and has no "="' })
      ),
    z.pipe(
      z.nullable(argument),
      z.transform((v: string | null) => v ?? '')
    )
  ),
  () => ({})
)

interface ArgumentsAndEnv {
  entryPointArgs: string[]
  environmentVariables: Record<string, string>
}

/** Arguments and environment of one exec or container together, as the kernel counts them. */
function argumentsAndEnvSize(c: ArgumentsAndEnv): number {
  let size = 0
  for (const arg of c.entryPointArgs) size += utf8Length(arg) + 1
  for (const [k, v] of Object.entries(c.environmentVariables))
    size += utf8Length(k) + utf8Length(v) + 2
  return size
}

const withinArgumentsAndEnv = z.refine<ArgumentsAndEnv>(
  c => argumentsAndEnvSize(c) <= INPUT_LIMITS.argumentsAndEnv,
  {
    message: `entryPointArgs and environmentVariables together exceed ${INPUT_LIMITS.argumentsAndEnv} bytes`,
    path: ['environmentVariables'],
    // Only once each value is within its own bound: that error names the field better.
    when: payload => payload.issues.length === 0
  }
)

export const mountVolumeSchema = z.object({
  userProvidedValue: orNull(pathString),
  sourceVolumePath: orNull(pathString),
  targetVolumePath: nonEmptyPath,
  readOnly: orEmpty(z.boolean(), () => false)
})
const mountList = orEmpty(
  z.array(mountVolumeSchema).check(z.maxLength(INPUT_LIMITS.list)),
  () => []
)

const credential = bounded(INPUT_LIMITS.credential)
const registrySchema = z.object({
  username: credential,
  password: credential,
  serverUrl: orEmpty(bounded(INPUT_LIMITS.path), () => '')
})

export const hookContainerSchema = z.object({
  image: orNull(imageString),
  dockerfile: orNull(pathString),
  entryPoint: orNull(pathString),
  entryPointArgs: stringList,
  workingDirectory: orNull(pathString),
  createOptions: orNull(bounded(INPUT_LIMITS.createOptions)),
  registry: orNull(registrySchema),
  environmentVariables: envMap,
  portMappings: stringList,
  systemMountVolumes: mountList,
  userMountVolumes: mountList
})

// prepare_job containers are always pulled by name: a Dockerfile only exists for container steps.
const jobContainerSchema = z
  .extend(hookContainerSchema, { image: z.string().check(z.minLength(1), imageReference) })
  .check(withinArgumentsAndEnv)

export const prepareJobArgsSchema = z.object({
  container: orNull(jobContainerSchema),
  services: orEmpty(z.array(jobContainerSchema).check(z.maxLength(INPUT_LIMITS.list)), () => [])
})

export const containerStepArgsSchema = hookContainerSchema.check(
  z.refine(c => Boolean(c.image) || Boolean(c.dockerfile), {
    message: 'expected an image or a dockerfile, got neither',
    path: ['image']
  }),
  withinArgumentsAndEnv
)

export const scriptStepArgsSchema = z
  .object({
    entryPoint: nonEmptyPath,
    entryPointArgs: stringList,
    environmentVariables: envMap,
    prependPath: orEmpty(z.array(pathString).check(z.maxLength(INPUT_LIMITS.list)), () => []),
    workingDirectory: nonEmptyPath
  })
  .check(withinArgumentsAndEnv)

export const cleanupJobArgsSchema = z.object({})

export const envelopeSchema = z.object({
  command: z.enum(COMMANDS),
  responseFile: nonEmptyPath,
  args: z.optional(z.unknown()),
  state: orNull(z.record(z.string(), z.unknown()))
})
