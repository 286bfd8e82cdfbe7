/** What prepare_job saves for the later commands, validated when read back. */
// zod/mini, like hooklib's input schemas: every step pays for the zod it loads at start-up.
import * as z from 'zod/mini'
import type { HookState } from '@container-hooks/hooklib'

const id = z.string().check(z.minLength(1))

const stateSchema = z.object({
  docker: z.literal(1),
  jobId: z.string().check(z.regex(/^[0-9a-f]{12}$/)),
  network: z.nullable(z.object({ name: id, owned: z.boolean() })),
  container: z.nullable(z.object({ id, image: z.string(), path: z.nullable(z.string()) })),
  services: z.array(z.object({ id, alias: z.string(), image: z.string() }))
})

export type DockerState = z.infer<typeof stateSchema>

/** null for a missing, foreign or stale state: callers then work from labels alone. */
export function readState(raw: HookState | null): DockerState | null {
  const parsed = stateSchema.safeParse(raw)
  return parsed.success ? parsed.data : null
}
