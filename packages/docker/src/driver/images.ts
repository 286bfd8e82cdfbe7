/** Image pulls (credentials through the API's authconfig only) and local fallback. */
import type Docker from 'dockerode'
import { HookError, type Logger, type RegistryCredentials } from '@container-hooks/hooklib'
import { withDefaultTag } from '../specs/names'
import {
  authconfig,
  type AuthConfig,
  DEFAULT_PULL_RETRY,
  isDigestPinned,
  retryDelayMs,
  type PullRetry
} from '../specs/pull-policy'
import { engineMessage, statusOf } from './engine'
import { sleepUnlessAborted } from './sleep'

export interface PullRequest {
  image: string
  registry: RegistryCredentials | null
  /** Field for messages, e.g. "services[0].image". */
  field: string
}

const AUTH_FAILURE =
  /unauthorized|authentication required|incorrect username or password|no basic auth credentials/i

async function pullOnce(
  docker: Docker,
  image: string,
  auth: AuthConfig | undefined,
  signal: AbortSignal
): Promise<void> {
  const stream = await docker.pull(image, { authconfig: auth, abortSignal: signal })
  await new Promise<void>((resolve, reject) => {
    // Progress events are summarized by the caller; an `error` event is a failed pull.
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
      const failed = events?.find(e => e.error !== undefined)
      if (err) reject(err)
      else if (failed) reject(new Error(failed.error))
      else resolve()
    })
  })
}

export async function existsLocally(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect()
    return true
  } catch (err) {
    if (statusOf(err) === 404) return false
    throw err
  }
}

/**
 * Pulls like the runner does (always, unless the reference is a digest already present), printing
 * one line per image. When the pull fails but the image exists locally (a local-only or
 * air-gapped image) it is used with a warning, unless the job's own credentials were refused;
 * only a missing image is retried with back-off.
 */
export async function pullImage(
  docker: Docker,
  req: PullRequest,
  log: Logger,
  signal: AbortSignal,
  retry: PullRetry = DEFAULT_PULL_RETRY
): Promise<void> {
  const image = withDefaultTag(req.image)
  if (isDigestPinned(image) && (await existsLocally(docker, image))) {
    log.info(`Using ${req.image}: present locally, pinned by digest`)
    return
  }
  const auth = authconfig(req.registry)
  const started = Date.now()
  let lastError: unknown
  for (let attempt = 1; attempt <= retry.attempts && !signal.aborted; attempt++) {
    try {
      await pullOnce(docker, image, auth, signal)
      log.info(`Pulled ${req.image} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
      return
    } catch (err) {
      lastError = err
      if (statusOf(err) === undefined && (err as { code?: string }).code !== undefined) throw err
      // Wrong credentials are an error even for a cached image: never run it on a bad login.
      const authFailed = auth !== undefined && AUTH_FAILURE.test(engineMessage(err))
      if (!authFailed && (await existsLocally(docker, image))) {
        log.warning(`Could not pull ${req.image} (${engineMessage(err)}); using the local image`)
        return
      }
      if (attempt < retry.attempts) {
        const delay = retryDelayMs(retry, attempt)
        log.info(
          `Pulling ${req.image} failed (${engineMessage(err)}); retrying in ${(delay / 1000).toFixed(1)}s`
        )
        await sleepUnlessAborted(delay, signal)
      }
    }
  }
  signal.throwIfAborted()
  const hint =
    auth === undefined
      ? 'check the image name, or give the job credentials'
      : 'check the image name and the credentials'
  throw new HookError(
    `Could not pull ${req.field} "${req.image}" after ${retry.attempts} attempts: ${engineMessage(lastError)}; ${hint}`,
    1,
    { cause: lastError }
  )
}
