/**
 * What prepare_job and run_container_step both read before they create a pod: the runner's own
 * pod and the storage it implies (mode, claim, node).
 */
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node'
import { ConfigError } from '@container-hooks/hooklib'
import { dirname } from 'node:path'
import type { StorageMode } from '../config'
import type { KubeContext } from '../context'
import { KubeApiError } from '../kube/client'
import { getPod } from '../kube/pods'
import type { PodStorage } from '../specs/job-pod'
import { chooseClaim, podStorage } from '../storage'

export interface RunnerSetup {
  runner: V1Pod
  storage: PodStorage
}

async function readRunnerPod({ client, config }: KubeContext): Promise<V1Pod> {
  try {
    return await getPod(client, config.runnerPod)
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) {
      throw new ConfigError(
        `ACTIONS_RUNNER_POD_NAME=${config.runnerPod}: no such pod in namespace ${client.namespace} (set ACTIONS_RUNNER_KUBERNETES_NAMESPACE to the runner's namespace)`
      )
    }
    throw err
  }
}

async function claimAccessModes({ client }: KubeContext, claim: string): Promise<string[]> {
  const pvc = await client.call<V1PersistentVolumeClaim>('GET', `persistentvolumeclaims/${claim}`, {
    verb: 'get',
    resource: 'persistentvolumeclaims'
  })
  return pvc.status?.accessModes ?? pvc.spec?.accessModes ?? []
}

/** `mode` (a saved state's) wins over the configured or detected one. */
export async function runnerSetup(kube: KubeContext, mode?: StorageMode): Promise<RunnerSetup> {
  const config = { ...kube.config, storage: mode ?? kube.config.storage }
  const runner = await readRunnerPod(kube)
  const claim = chooseClaim(config, runner)
  const accessModes = claim === undefined ? [] : await claimAccessModes(kube, claim)
  return {
    runner,
    storage: podStorage(claim, accessModes, runner.spec?.nodeName, config.useKubeScheduler)
  }
}

/** The runner's `_work` on the host as the runner's environment gives it, or "". */
export function envWorkDir(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_WORKSPACE ? dirname(env.RUNNER_WORKSPACE) : ''
}
