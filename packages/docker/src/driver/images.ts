/**
 * Image pulls (credentials through the API's authconfig only: the job's, else the runner user's
 * Docker config) and local fallback.
 */
import type Docker from 'dockerode'
import {
  HookError,
  sleepUnlessAborted,
  type Logger,
  type RegistryCredentials
} from '@container-hooks/hooklib'
import { withDefaultTag } from '../specs/names'
import {
  applyPullEvent,
  newPullProgress,
  progressLine,
  summaryLine,
  type PullEvent,
  type PullProgress
} from '../specs/pull-progress'
import {
  authconfig,
  type AuthConfig,
  DEFAULT_PULL_RETRY,
  isDigestPinned,
  retryDelayMs,
  type PullRetry
} from '../specs/pull-policy'
import { engineMessage, statusOf } from './engine'
import { hostCredentials } from './host-credentials'

export interface PullRequest {
  image: string
  registry: RegistryCredentials | null
  /** Field for messages, e.g. "services[0].image". */
  field: string
  /** The Docker CLI config directory, for credentials when `registry` has none. */
  dockerConfigDir?: string
  /** `--platform` of the options: pulled for it, as `docker create --platform` would. */
  platform?: string
}

const PROGRESS_INTERVAL_MS = 5000

const AUTH_FAILURE =
  /unauthorized|authentication required|incorrect username or password|no basic auth credentials/i

/** Pulls once, printing one progress line every PROGRESS_INTERVAL_MS while it runs. */
async function pullOnce(
  docker: Docker,
  req: { image: string; shown: string; auth: AuthConfig | undefined; platform?: string },
  log: Logger,
  signal: AbortSignal
): Promise<PullProgress> {
  const { image, shown, auth, platform } = req
  const options = { authconfig: auth, abortSignal: signal, ...(platform ? { platform } : {}) }
  const stream = await docker.pull(image, options)
  const progress = newPullProgress()
  let changed = false
  const timer = setInterval(() => {
    if (changed) log.info(progressLine(shown, progress))
    changed = false
  }, PROGRESS_INTERVAL_MS)
  try {
    await new Promise<void>((resolve, reject) => {
      // An `error` event is a failed pull.
      docker.modem.followProgress(
        stream,
        (err: Error | null, events: Array<{ error?: string }>) => {
          const failed = events?.find(e => e.error !== undefined)
          if (err) reject(err)
          else if (failed) reject(new Error(failed.error))
          else resolve()
        },
        (event: PullEvent) => {
          applyPullEvent(progress, event)
          changed = true
        }
      )
    })
  } finally {
    clearInterval(timer)
  }
  return progress
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
  const auth =
    authconfig(req.registry) ??
    (req.dockerConfigDir === undefined
      ? undefined
      : await hostCredentials(req.dockerConfigDir, image, log, signal))
  // Masked in everything the hook prints, should an engine message ever echo one.
  for (const secret of [auth?.password, auth?.identitytoken]) if (secret) log.addMask(secret)
  const started = Date.now()
  let lastError: unknown
  for (let attempt = 1; attempt <= retry.attempts && !signal.aborted; attempt++) {
    try {
      const progress = await pullOnce(
        docker,
        { image, shown: req.image, auth, platform: req.platform },
        log,
        signal
      )
      log.info(summaryLine(req.image, progress, (Date.now() - started) / 1000))
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
