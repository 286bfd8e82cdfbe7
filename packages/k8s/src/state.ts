/** What prepare_job saves and every later command gets back from the runner. */
// zod/mini, as in hooklib and the Docker hook: validated the same way in both backends.
import * as z from 'zod/mini'
import {
  readSavedState,
  readSavedStateOrIgnore,
  type HookState,
  type Logger
} from '@container-hooks/hooklib'

// Names as the API server accepts them: they go into request paths.
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const objectName = z.string().check(z.regex(DNS_SUBDOMAIN, 'expected a Kubernetes object name'))
const containerName = z.string().check(z.regex(DNS_LABEL, 'expected a container name'))

// Strict: the runner hands back exactly what prepare_job wrote, so an unknown field means the
// state is not ours.
const stateSchema = z.strictObject({
  pod: objectName,
  namespace: z.string().check(z.regex(DNS_LABEL, 'expected a namespace name')),
  storage: z.enum(['volume', 'copy']),
  /** HOST path of the runner's `_work` (copy mode syncs it). */
  workDir: z.string().check(z.maxLength(4096), z.regex(/^(\/.*)?$/, 'expected an absolute path')),
  /** Absent for a service-only job. */
  jobContainer: z.optional(containerName),
  services: z.array(containerName),
  secret: z.optional(objectName),
  /** Volume mode: the claim's access modes as prepare_job decided them. */
  accessModes: z.optional(
    z.array(z.string().check(z.regex(/^[A-Za-z]{1,32}$/, 'expected an access mode')))
  )
})

export type JobState = z.infer<typeof stateSchema>

/** undefined when the runner sent none; an InputError naming `state` when it is not ours. */
export function readState(state: HookState | null): JobState | undefined {
  return readSavedState(stateSchema, state) ?? undefined
}

/** cleanup_job's reading: a state that is not ours is ignored (one warning), labels suffice. */
export function readStateForCleanup(
  state: HookState | null,
  log: Pick<Logger, 'warning'>
): JobState | undefined {
  return readSavedStateOrIgnore(stateSchema, state, log) ?? undefined
}

export function toHookState(state: JobState): HookState {
  return JSON.parse(JSON.stringify(state)) as HookState
}
