/**
 * What prepare_job and run_container_step both read before they create a pod: the runner's own
 * pod and the storage it implies (mode, claim, node).
 */
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node'
import { ConfigError } from '@container-hooks/hooklib'
import type { KubeContext } from '../context'
import { KubeApiError } from './client'
import { isForbidden } from './notices'
import { getPod } from './pods'
import type { PodStorage } from '../specs/job-pod'
import type { JobState } from '../state'
import { chooseClaim, podStorage, type ClaimChoice } from '../storage'

export interface RunnerSetup {
  runner: V1Pod
  storage: PodStorage
  /** Of the claim in volume mode, as decided (saved in the job's state). */
  accessModes: string[]
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

/**
 * The claim's access modes: from the runner pod when it says them, else from the claim; where
 * the Role does not allow reading claims (actions-runner-controller's), ReadWriteOnce, which is
 * right for either kind (pinned to the runner's node), with one notice.
 */
async function claimAccessModes({ client }: KubeContext, claim: ClaimChoice): Promise<string[]> {
  if (claim.accessModes) return claim.accessModes
  try {
    const pvc = await client.call<V1PersistentVolumeClaim>(
      'GET',
      `persistentvolumeclaims/${claim.claimName}`,
      { verb: 'get', resource: 'persistentvolumeclaims' }
    )
    return pvc.status?.accessModes ?? pvc.spec?.accessModes ?? []
  } catch (err) {
    if (!isForbidden(err)) throw err
    client.notices.missing('claims')
    return ['ReadWriteOnce']
  }
}

/**
 * A saved state's `storage` mode wins over the configured or detected one, and its
 * `accessModes` over reading the claim again (prepare_job's notice is not repeated).
 */
export async function runnerSetup(
  kube: KubeContext,
  saved?: Pick<JobState, 'storage' | 'accessModes'>
): Promise<RunnerSetup> {
  const config = { ...kube.config, storage: saved?.storage ?? kube.config.storage }
  const runner = await readRunnerPod(kube)
  const claim = chooseClaim(config, runner)
  const accessModes =
    claim === undefined
      ? []
      : await claimAccessModes(kube, {
          ...claim,
          accessModes: claim.accessModes ?? saved?.accessModes
        })
  return {
    runner,
    accessModes,
    storage: podStorage(claim?.claimName, accessModes, runner.spec?.nodeName, config)
  }
}
