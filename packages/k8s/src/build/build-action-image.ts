/**
 * Dockerfile actions: builds the action's image where the step pod can pull it. Not in this
 * version yet; run_container_step calls this when `args.dockerfile` is set.
 */
import { ConfigError, type HookContext } from '@container-hooks/hooklib'
import type { KubeContext } from '../context'
import type { JobState } from '../state'

export interface BuiltImage {
  image: string
  /** A pull secret the step pod needs for `image`. */
  pullSecret?: string
}

export function buildActionImage(
  dockerfile: string,
  _kube: KubeContext,
  _ctx: HookContext,
  _state: JobState | undefined
): Promise<BuiltImage> {
  return Promise.reject(
    new ConfigError(
      `Dockerfile actions need ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST (a registry to push the built image to), which this version of the Kubernetes hook does not support yet: cannot build ${dockerfile}; use a prebuilt image (uses: docker://…)`
    )
  )
}
