/**
 * Where a Dockerfile action's image goes (ADR 0034's variables): builder pods push to the push
 * address, nodes pull from the pull address (the same registry, seen from pods and from the
 * kubelet), with one dockerconfigjson secret for both. Validated only when a build is needed.
 */
import { ConfigError } from '@container-hooks/hooklib'
import type { BuildConfig } from '../config'

const PREFIX = 'ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_'
export const REGISTRY_HOST = `${PREFIX}REGISTRY_HOST`
export const REGISTRY_HOST_PUSH = `${PREFIX}REGISTRY_HOST_PUSH`
export const REGISTRY_HOST_PULL = `${PREFIX}REGISTRY_HOST_PULL`
export const REGISTRY_SECRET_NAME = `${PREFIX}REGISTRY_SECRET_NAME`
export const BUILDER_IMAGE = `${PREFIX}BUILDER_IMAGE`

export interface BuildTarget {
  /** `host[:port][/path]` builder pods push to. */
  push: string
  /** `host[:port][/path]` the step pod's image is pulled from. */
  pull: string
  /** The host part of `push`: the registry the builder talks to (credentials, plain HTTP). */
  pushRegistry: string
  secret?: string
  insecure: boolean
  builderImage: string
  builderArgs: string[]
}

// host or IPv4, optional port, then lowercase repository path components (no scheme, no tag).
const LOCATION =
  /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/
const SECRET_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/

function location(variable: string, value: string): string {
  const trimmed = value.replace(/\/+$/, '')
  if (!LOCATION.test(trimmed)) {
    throw new ConfigError(
      `${variable}=${JSON.stringify(value)} is not a registry location: use host[:port][/path] without a scheme or tag, e.g. registry.example.com:5000/actions`
    )
  }
  return trimmed
}

/** The build target, or one ConfigError saying which variables to set. */
export function buildTarget(build: BuildConfig): BuildTarget {
  const push = build.registryPushHost ?? build.registryHost
  const pull = build.registryPullHost ?? build.registryHost
  if (push === undefined || pull === undefined) {
    const missing = [
      ...(push === undefined ? [REGISTRY_HOST_PUSH] : []),
      ...(pull === undefined ? [REGISTRY_HOST_PULL] : [])
    ]
    throw new ConfigError(
      `Dockerfile actions need a registry for the images the hook builds: set ${REGISTRY_HOST} (or ${missing.join(' and ')}, when builder pods and nodes reach the registry at different addresses) and ${REGISTRY_SECRET_NAME} (an existing kubernetes.io/dockerconfigjson secret that can push and pull there). See "Dockerfile actions" in docs/k8s.md`
    )
  }
  if (build.registrySecret !== undefined && !SECRET_NAME.test(build.registrySecret)) {
    throw new ConfigError(
      `${REGISTRY_SECRET_NAME}=${JSON.stringify(build.registrySecret)} is not a valid secret name`
    )
  }
  const pushLocation = location(
    build.registryPushHost === undefined ? REGISTRY_HOST : REGISTRY_HOST_PUSH,
    push
  )
  return {
    push: pushLocation,
    pull: location(build.registryPullHost === undefined ? REGISTRY_HOST : REGISTRY_HOST_PULL, pull),
    pushRegistry: pushLocation.split('/')[0],
    secret: build.registrySecret,
    insecure: build.registryInsecure,
    builderImage: build.builderImage,
    builderArgs: build.builderArgs
  }
}
