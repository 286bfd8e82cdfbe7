/**
 * Riding out a dropped connection to the engine or API server while a step runs: how long to
 * keep trying, and a retry loop that says once when the connection is lost and once when it is
 * back. No I/O of its own: the hook brings the call to retry and says which errors mean "no
 * connection", so both hooks can share it.
 */
import { ConfigError, HookError } from './errors'
import type { Logger } from './logger'
import { sleepUnlessAborted } from './sleep'

/** Long enough to ride out an API server or engine restart. */
export const DEFAULT_RECONNECT_MS = 120_000
const HEARTBEAT_DEADLINE = 'ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS'
const FIRST_RETRY_MS = 100
const MAX_RETRY_MS = 2000

function wholeNumber(env: NodeJS.ProcessEnv, name: string, unit: string): number | undefined {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw) || Number(raw) === 0) {
    throw new ConfigError(
      `${name} must be a whole number of ${unit} greater than 0, got ${JSON.stringify(raw)}`
    )
  }
  return Number(raw)
}

/**
 * The reconnect bound in ms: `name` (whole seconds) when set, else the incumbent's
 * ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS (how long a connection may go unanswered before it is
 * lost), else 120 s.
 */
export function readReconnectBoundMs(env: NodeJS.ProcessEnv, name: string): number {
  const seconds = wholeNumber(env, name, 'seconds')
  if (seconds !== undefined) return seconds * 1000
  return wholeNumber(env, HEARTBEAT_DEADLINE, 'milliseconds') ?? DEFAULT_RECONNECT_MS
}

/** The connection stayed down for the whole bound. */
export class ReconnectTimeoutError extends HookError {}

export interface Reconnection {
  /** The bound in ms, from readReconnectBoundMs. */
  boundMs: number
  /** What was lost, for the two lines: "the Docker engine at unix:///var/run/docker.sock". */
  peer: string
  signal: AbortSignal
  log: Pick<Logger, 'info'>
  isConnectionError(err: unknown): boolean
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (!(await sleepUnlessAborted(ms, signal))) signal.throwIfAborted()
}

/**
 * Tracks one connection across calls: `lost(err)` prints the "lost" line (once per outage),
 * `call(attempt)` retries `attempt` while it fails for want of a connection, until the bound
 * that started at the outage passes, and prints the "back" line when it answers again.
 */
export class ConnectionWatch {
  private since: number | undefined

  constructor(private readonly r: Reconnection) {}

  get disconnected(): boolean {
    return this.since !== undefined
  }

  lost(err: unknown): void {
    if (this.since !== undefined) return
    this.since = Date.now()
    const why = (err as Error | null)?.message ?? String(err)
    this.r.log.info(
      `Lost the connection to ${this.r.peer} (${why}); the step keeps running, reconnecting for up to ${Math.round(this.r.boundMs / 1000)} s`
    )
  }

  async call<T>(attempt: () => Promise<T>): Promise<T> {
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 2, MAX_RETRY_MS)) {
      this.r.signal.throwIfAborted()
      try {
        const result = await attempt()
        if (this.since !== undefined) {
          this.r.log.info(
            `Reconnected to ${this.r.peer} after ${((Date.now() - this.since) / 1000).toFixed(1)} s`
          )
          this.since = undefined
        }
        return result
      } catch (err) {
        if (!this.r.isConnectionError(err)) throw err
        this.lost(err)
        // The last attempt is made when the bound ends, not a whole pause before it.
        const left = (this.since ?? 0) + this.r.boundMs - Date.now()
        if (left <= 0) {
          throw new ReconnectTimeoutError(
            `Lost the connection to ${this.r.peer} for longer than ${Math.round(this.r.boundMs / 1000)} s while the step was running (${(err as Error).message})`,
            1,
            { cause: err }
          )
        }
        await pause(Math.min(wait, left), this.r.signal)
      }
    }
  }
}
