/** The translation of engine errors (from dockerode and engine-api.ts alike). */
import { CancelledError, HookError } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'

interface EngineErrorShape {
  statusCode?: number
  code?: string
  json?: { message?: string } | null
  message?: string
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE'
])

/** The call failed for want of a connection (refused, reset, socket gone), not by the engine's answer. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as EngineErrorShape | null)?.code
  return code !== undefined && CONNECTION_CODES.has(code)
}

export function statusOf(err: unknown): number | undefined {
  return (err as EngineErrorShape | null)?.statusCode
}

/** The engine's own message ("No such image: x"), without dockerode's HTTP prefix. */
export function engineMessage(err: unknown): string {
  const e = err as EngineErrorShape | null
  const message = e?.json?.message ?? e?.message ?? String(err)
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim()
}

/** Turns a failed engine call into a HookError that says what was being done and where. */
export function engineError(err: unknown, doing: string, config: DockerHookConfig): HookError {
  if (err instanceof HookError) return err
  // dockerode rejects an aborted call with an AbortError: that is the runner's cancel.
  if ((err as Error | null)?.name === 'AbortError') return new CancelledError()
  if (isConnectionError(err)) {
    const code = (err as EngineErrorShape).code as string
    return new HookError(
      `Cannot reach the Docker engine at ${config.engineUrl} while ${doing} (${code}); start dockerd or set DOCKER_HOST to a reachable engine`,
      1,
      { cause: err }
    )
  }
  return new HookError(`Docker engine error while ${doing}: ${engineMessage(err)}`, 1, {
    cause: err
  })
}

/** Runs an engine call; a 404 (already gone) resolves undefined, for idempotent cleanup. */
export async function ignoreMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call
  } catch (err) {
    if (statusOf(err) === 404 || statusOf(err) === 409) return undefined
    throw err
  }
}
