/**
 * What a hook does after a step when debugging is on (see debug-settings.ts): the diagnostics
 * in one collapsed group, bounded in time, then the hold after a failure. Whatever goes wrong
 * here is at most one warning: the step's result stays the step's own.
 */
import { randomBytes } from 'node:crypto'
import { deadline } from './deadline'
import { wantsDiagnostics, wantsHold, type DebugSettings } from './debug-settings'
import type { Logger } from './logger'

export interface Diagnostics {
  /** Where the diagnostics ran, for the group title, e.g. "ephemeral container debug-1a2b3c". */
  where: string
  /** The API's (or engine's) own view, read by the hook: states, OOM kills, events. */
  source: string
  report: string[]
  /** What the diagnostics script printed; possibly partial. */
  output: string
  /** Why the output is missing or partial. */
  problem?: string
}

export interface DebugHandlers {
  /** `signal` aborts at the time bound or on cancellation. */
  diagnose(signal: AbortSignal): Promise<Diagnostics>
  /** Marks the job as held and prints how to get a shell in it. */
  hold(holdSeconds: number): Promise<void>
}

export interface DebugStepContext {
  log: Logger
  signal: AbortSignal
}

// The diagnostics take a second or two; this bounds a slow image pull or a hung API.
export const DIAGNOSTICS_TIMEOUT_MS = 10_000
// Calls still in flight at the time bound get this long before they are abandoned.
const GRACE_MS = 3_000

function print(d: Diagnostics, exitCode: number, log: Logger): Promise<void> {
  const what = exitCode === 0 ? 'the step' : `the failed step (exit code ${exitCode})`
  return log.group(`Diagnostics of ${what}: ${d.where}`, () => {
    // Paths and command lines are data, not workflow commands.
    const token = randomBytes(8).toString('hex')
    log.info(`::stop-commands::${token}`)
    log.info(`### ${d.source}`)
    for (const line of d.report) log.info(line)
    log.info('')
    log.info(d.output.trim() === '' ? '(no output from the debug container)' : d.output.trimEnd())
    log.info(`::${token}::`)
    return Promise.resolve()
  })
}

async function diagnose(
  handlers: DebugHandlers,
  exitCode: number,
  ctx: DebugStepContext,
  timeoutMs: number
): Promise<string | undefined> {
  const bound = deadline(timeoutMs, ctx.signal)
  let timer: NodeJS.Timeout | undefined
  const abandon = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer in time')), timeoutMs + GRACE_MS)
  })
  try {
    const d = await Promise.race([handlers.diagnose(bound.signal), abandon])
    await print(d, exitCode, ctx.log)
    return d.problem
  } finally {
    bound.clear()
    clearTimeout(timer)
  }
}

export async function debugAfterStep(
  settings: DebugSettings,
  exitCode: number,
  handlers: DebugHandlers,
  ctx: DebugStepContext,
  timeoutMs = DIAGNOSTICS_TIMEOUT_MS
): Promise<void> {
  const problems: string[] = []
  if (wantsDiagnostics(settings, exitCode) && !ctx.signal.aborted) {
    const problem = await diagnose(handlers, exitCode, ctx, timeoutMs).catch(
      (err: Error) => err.message
    )
    if (problem) problems.push(`diagnostics: ${problem}`)
  }
  if (wantsHold(settings, exitCode) && settings.holdSeconds && !ctx.signal.aborted) {
    await handlers
      .hold(settings.holdSeconds)
      .catch((err: Error) => problems.push(`cannot keep the job: ${err.message}`))
  }
  if (problems.length > 0) ctx.log.warning(`Debugging the step: ${problems.join('; ')}`)
}
