import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { z } from 'zod'
import { InputError } from '@container-hooks/hooklib'

const envMap = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform(String)
)

const containerSpec = z.strictObject({
  image: z.string().min(1),
  env: envMap.default({}),
  options: z.string().optional(),
  ports: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
  volumes: z.array(z.string()).default([]),
  credentials: z.strictObject({ username: z.string(), password: z.string() }).optional()
})

const result = z.enum(['success', 'failure', 'cancelled', 'skipped'])

const stepExpect = z.strictObject({
  result: result.optional(),
  'exit-code': z.number().int().optional(),
  outputs: z.record(z.string(), z.string()).optional(),
  'stdout-contains': z.array(z.string()).optional(),
  'stdout-not-contains': z.array(z.string()).optional(),
  'max-seconds': z.number().positive().optional()
})

const stepCommon = {
  id: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/)
    .optional(),
  name: z.string().optional(),
  env: envMap.default({}),
  if: z.literal('always()').optional(),
  'timeout-minutes': z.number().positive().optional(),
  'cancel-after': z.number().positive().optional(),
  expect: stepExpect.optional()
}

const runStep = z.strictObject({
  ...stepCommon,
  run: z.string(),
  shell: z.enum(['sh', 'bash']).default('sh')
})

const usesStep = z.strictObject({
  ...stepCommon,
  uses: z
    .string()
    .regex(/^(docker:\/\/.+|\.\/.*)$/, 'must be docker://<image> or ./<local action>'),
  with: envMap.default({}),
  // Shorthands for `with.args` / `with.entrypoint`, as GitHub spells them for docker:// steps.
  args: z.string().optional(),
  entrypoint: z.string().optional()
})

// Picked by key rather than z.union, so that an error names the step's real problem.
type RunStepSpec = z.infer<typeof runStep>
type UsesStepSpec = z.infer<typeof usesStep>
export type { RunStepSpec, UsesStepSpec }

const step = z.unknown().transform((value, ctx): RunStepSpec | UsesStepSpec => {
  const isObj = typeof value === 'object' && value !== null
  const schema = isObj && 'run' in value ? runStep : isObj && 'uses' in value ? usesStep : null
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: 'a step needs `run:` or `uses:`' })
    return z.NEVER
  }
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path })
  return z.NEVER
})

export const jobSchema = z.strictObject({
  name: z.string().default('job'),
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name')
    .default('container-hooks/conformance'),
  container: containerSpec.optional(),
  services: z.array(containerSpec).default([]),
  env: envMap.default({}),
  files: z.record(z.string(), z.string()).default({}),
  expect: z
    .strictObject({
      result: result.exclude(['skipped']).optional(),
      prepare: z.enum(['success', 'failure']).optional(),
      'error-contains': z.string().optional()
    })
    .optional(),
  steps: z.array(step).min(1)
})

export type JobSpec = z.infer<typeof jobSchema>
export type ContainerSpec = z.infer<typeof containerSpec>
export type StepSpec = z.infer<typeof step>
export type StepExpect = z.infer<typeof stepExpect>

/** Validates a parsed job document; the error names the offending field path. */
export function parseJob(doc: unknown, source = 'job'): JobSpec {
  const parsed = jobSchema.safeParse(doc)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
  throw new InputError(`${source} is not a valid job: ${issues.join('; ')}`)
}

export function loadJob(file: string): JobSpec {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new InputError(`Cannot read job file ${file}: ${(err as Error).message}`)
  }
  let doc: unknown
  try {
    doc = parse(text)
  } catch (err) {
    throw new InputError(`${file} is not valid YAML: ${(err as Error).message}`)
  }
  return parseJob(doc, file)
}

export function isRunStep(s: StepSpec): s is RunStepSpec {
  return 'run' in s
}
