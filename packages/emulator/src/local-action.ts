import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parse } from 'yaml'
import { z } from 'zod'
import { InputError } from '@container-hooks/hooklib'

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String)

// A composite action's steps: only `run:` steps (with the `shell:` GitHub requires there).
const compositeStep = z.strictObject({
  id: z.string().optional(),
  name: z.string().optional(),
  run: z.string(),
  shell: z.enum(['sh', 'bash']),
  env: z.record(z.string(), scalar).default({})
})

const actionSchema = z.object({
  outputs: z.record(z.string(), z.object({ value: z.string().optional() }).nullable()).default({}),
  inputs: z
    .record(
      z.string(),
      z.object({ default: z.union([z.string(), z.number(), z.boolean()]).optional() }).nullable()
    )
    .default({}),
  runs: z.discriminatedUnion('using', [
    z.object({
      using: z.literal('docker'),
      image: z.string(),
      entrypoint: z.string().optional(),
      args: z.array(scalar).optional(),
      env: z.record(z.string(), scalar).default({})
    }),
    z.object({ using: z.enum(['node20', 'node24']), main: z.string() }),
    z.object({ using: z.literal('composite'), steps: z.array(compositeStep).min(1) })
  ])
})

export type LocalAction = z.infer<typeof actionSchema> & { dir: string }
export type CompositeStep = z.infer<typeof compositeStep>

/** Reads `<workspace>/<path>/action.yml` (or .yaml) from the HOST, as the runner does. */
export function loadLocalAction(workspace: string, uses: string): LocalAction {
  const dir = resolve(workspace, uses)
  const file = [join(dir, 'action.yml'), join(dir, 'action.yaml')].find(f => existsSync(f))
  if (!file)
    throw new InputError(
      `uses: ${uses}: no action.yml in ${dir} (local actions are read on the runner host)`
    )
  const parsed = actionSchema.safeParse(parse(readFileSync(file, 'utf8')))
  if (!parsed.success) {
    const issues = parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new InputError(
      `uses: ${uses}: unsupported action.yml (${issues}); the emulator runs docker, node20/node24 and composite actions (with run steps)`
    )
  }
  return { ...parsed.data, dir: dirname(file) }
}

/** `with:` plus the defaults of the inputs it leaves out. */
export function actionInputs(
  action: LocalAction,
  given: Record<string, string>
): Record<string, string> {
  const inputs: Record<string, string> = {}
  for (const [name, def] of Object.entries(action.inputs)) {
    if (def?.default !== undefined) inputs[name] = String(def.default)
  }
  return { ...inputs, ...given }
}
