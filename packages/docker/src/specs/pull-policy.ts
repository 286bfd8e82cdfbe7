/** PURE: how an image is pulled: the API's authconfig, the retry delays, digest pins. */
import type { RegistryCredentials } from '@container-hooks/hooklib'

/** The docker CLI's server address for Docker Hub, which the runner sends as `serverUrl: ""`. */
export const DOCKER_HUB = 'https://index.docker.io/v1/'

export interface AuthConfig {
  username: string
  password: string
  serveraddress: string
  /** An OAuth refresh token some registries (and credential helpers) use instead of a password. */
  identitytoken?: string
}

export interface PullRetry {
  attempts: number
  /** Delay before the second attempt; each later one doubles it. */
  firstDelayMs: number
}

/** The runner also tries 3 times; its delays are random between 1 and 10 s. */
export const DEFAULT_PULL_RETRY: PullRetry = { attempts: 3, firstDelayMs: 1000 }

/** The credentials as the engine's `X-Registry-Auth` wants them; none without a username or password. */
export function authconfig(registry: RegistryCredentials | null): AuthConfig | undefined {
  if (registry === null || (registry.username === '' && registry.password === '')) return undefined
  return {
    username: registry.username,
    password: registry.password,
    serveraddress: registry.serverUrl === '' ? DOCKER_HUB : registry.serverUrl
  }
}

/** Milliseconds to wait after failed attempt `attempt` (1-based) before the next one. */
export function retryDelayMs(retry: PullRetry, attempt: number): number {
  return retry.firstDelayMs * 2 ** (attempt - 1)
}

/**
 * `name@sha256:…` names content, not a moving tag: when it is present locally, a pull could not
 * change it, so the pull is skipped.
 */
export function isDigestPinned(image: string): boolean {
  return /@sha256:[0-9a-f]{64}$/.test(image)
}
