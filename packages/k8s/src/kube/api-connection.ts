/**
 * Which failures of an API call mean "no connection to the API server right now" (worth
 * retrying for the reconnect bound), as opposed to an answer (404, 403, 400) that retrying
 * would not change.
 */
import { ConnectionWatch, type Logger } from '@container-hooks/hooklib'
import { KubeApiError, type KubeClient } from './client'
import { LostConnectionError } from './exec'

// A response cut off (`aborted`), a reset, a refused or timed-out connect, a name not resolved.
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE'
])

export function isApiConnectionError(err: unknown): boolean {
  // An exec stream that broke or went silent (no pong within the heartbeat deadline).
  if (err instanceof LostConnectionError) return true
  if (err instanceof KubeApiError) {
    // 0: not reached. 5xx: the API server restarting, or unable to reach the kubelet.
    return err.status === 0 || err.status === 429 || err.status >= 500
  }
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONNECTION_CODES.has(code)
}

/** The peer named in the "lost" and "back" lines. */
export const apiPeer = (client: KubeClient): string =>
  `the Kubernetes API server at ${client.conn.server}`

/**
 * A 401 or 403 while the connection is being won back: an API server that has just restarted
 * can answer before its authenticators and RBAC caches have synced, refusing the identity that
 * it let in a moment before. A refusal that stays is reported when the bound has passed.
 */
const refusedWhileRestarting = (err: unknown): boolean =>
  err instanceof KubeApiError && (err.status === 401 || err.status === 403)

/**
 * Retries what fails for want of the API server (`isConnectionError`, by default any such
 * failure) for `boundMs`, saying once on `log` when the connection is lost and once when back.
 */
export function apiWatch(
  client: KubeClient,
  boundMs: number,
  signal: AbortSignal,
  log: Pick<Logger, 'info'>,
  isConnectionError: (err: unknown) => boolean = isApiConnectionError
): ConnectionWatch {
  const watch: ConnectionWatch = new ConnectionWatch({
    boundMs,
    peer: apiPeer(client),
    signal,
    log,
    isConnectionError: err =>
      isConnectionError(err) || (watch.disconnected && refusedWhileRestarting(err))
  })
  return watch
}

/**
 * Creates an object, again after a lost connection. The object's name is new (random) each
 * time, so a 409 on a later attempt is the earlier create that reached the API server before
 * its answer was lost.
 */
export async function createAcrossCuts(
  watch: ConnectionWatch,
  create: () => Promise<unknown>
): Promise<void> {
  let attempts = 0
  await watch.call(async () => {
    attempts++
    try {
      await create()
    } catch (err) {
      if (attempts > 1 && err instanceof KubeApiError && err.status === 409) return
      throw err
    }
  })
}
