/**
 * The state a hook saved in prepare_job, read back by the later commands. The runner returns it
 * verbatim, so anything but the shape the hook wrote (or null: no prepare_job ran) is a broken
 * or foreign input, refused with one line naming `state` instead of being half-used.
 */
import type * as z from 'zod/mini'
import { describeIssues } from './describe-value'
import { InputError } from './errors'
import type { Logger } from './logger'
import type { HookState } from './protocol'

type Parsed<T> = { state: T | null } | { problem: string }

function parse<T>(schema: z.ZodMiniType<T>, raw: HookState | null): Parsed<T> {
  if (raw === null) return { state: null }
  const parsed = schema.safeParse(raw)
  return parsed.success
    ? { state: parsed.data }
    : { problem: describeIssues(parsed.error.issues, raw, ['state']) }
}

/** The saved state, null when the runner sent none; throws an InputError when it is not ours. */
export function readSavedState<T>(schema: z.ZodMiniType<T>, raw: HookState | null): T | null {
  const result = parse(schema, raw)
  if ('problem' in result)
    throw new InputError(
      `Invalid hook input: ${result.problem}; it is not the state this hook saved`
    )
  return result.state
}

/**
 * For cleanup_job, which must clean up whatever it is given: a state that is not ours is
 * ignored with one warning, and the caller works from labels alone.
 */
export function readSavedStateOrIgnore<T>(
  schema: z.ZodMiniType<T>,
  raw: HookState | null,
  log: Pick<Logger, 'warning'>
): T | null {
  const result = parse(schema, raw)
  if ('state' in result) return result.state
  log.warning(`Ignored the saved state (${result.problem}); cleaning up by label`)
  return null
}
