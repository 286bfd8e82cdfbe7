/** What prepare_job saves for the later commands, validated when read back. */
// zod/mini, like hooklib's input schemas: every step pays for the zod it loads at start-up.
import * as z from 'zod/mini'
import {
  readSavedState,
  readSavedStateOrIgnore,
  type HookState,
  type Logger
} from '@container-hooks/hooklib'

const id = z.string().check(z.minLength(1))

// Strict: the runner hands back exactly what prepare_job wrote, so an unknown field means the
// state is not ours.
const stateSchema = z.strictObject({
  docker: z.literal(1),
  jobId: z.string().check(z.regex(/^[0-9a-f]{12}$/)),
  network: z.nullable(z.strictObject({ name: id, owned: z.boolean() })),
  container: z.nullable(
    z.strictObject({
      id,
      image: z.string(),
      path: z.nullable(z.string()),
      // /bin/sh in the job container: script steps run under the wrapper. Absent in a state
      // from an older prepare_job: run directly.
      shell: z.optional(z.boolean())
    })
  ),
  services: z.array(z.strictObject({ id, alias: z.string(), image: z.string() }))
})

export type DockerState = z.infer<typeof stateSchema>

/** null when the runner sent none; an InputError naming `state` when it is not ours. */
export function readState(raw: HookState | null): DockerState | null {
  return readSavedState(stateSchema, raw)
}

/** cleanup_job's reading: a state that is not ours is ignored (one warning), labels suffice. */
export function readStateForCleanup(
  raw: HookState | null,
  log: Pick<Logger, 'warning'>
): DockerState | null {
  return readSavedStateOrIgnore(stateSchema, raw, log)
}
