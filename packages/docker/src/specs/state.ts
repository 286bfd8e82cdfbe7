/** What prepare_job saves for the later commands, validated when read back. */
import { z } from 'zod'
import type { HookState } from '@container-hooks/hooklib'

const stateSchema = z.object({
  docker: z.literal(1),
  jobId: z.string().regex(/^[0-9a-f]{12}$/),
  network: z.object({ name: z.string().min(1), owned: z.boolean() }).nullable(),
  container: z
    .object({ id: z.string().min(1), image: z.string(), path: z.string().nullable() })
    .nullable(),
  services: z.array(z.object({ id: z.string().min(1), alias: z.string(), image: z.string() })),
  /** Set by a failed step so cleanup_job prints the job container's logs. */
  failed: z.boolean().optional()
})

export type DockerState = z.infer<typeof stateSchema>

/** null for a missing, foreign or stale state: callers then work from labels alone. */
export function readState(raw: HookState | null): DockerState | null {
  const parsed = stateSchema.safeParse(raw)
  return parsed.success ? parsed.data : null
}
