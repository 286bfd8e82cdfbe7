/**
 * Volume or copy mode, decided from the runner's own pod: a PersistentVolumeClaim mounted at the
 * runner's `_work` (or the claim named by ACTIONS_RUNNER_CLAIM_NAME) means volume mode on that
 * claim; otherwise copy mode. ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE overrides the choice.
 */
import type { V1Pod } from '@kubernetes/client-node'
import type { K8sConfig } from './config'
import type { PodStorage } from './specs/job-pod'

/** The claim the job pod should mount, or undefined for copy mode. */
export function chooseClaim(config: K8sConfig, runnerPod: V1Pod): string | undefined {
  if (config.storage === 'copy') return undefined
  if (config.storage === 'volume') return config.claimName
  const claims = new Map<string, string>()
  for (const v of runnerPod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim) claims.set(v.name, v.persistentVolumeClaim.claimName)
  }
  if ([...claims.values()].includes(config.claimName)) return config.claimName
  if (config.claimExplicit) return undefined
  for (const c of runnerPod.spec?.containers ?? []) {
    const work = c.volumeMounts?.find(m => claims.has(m.name) && /\/_work\/?$/.test(m.mountPath))
    if (work) return claims.get(work.name)
  }
  return undefined
}

/** A ReadWriteOnce claim pins the job pod to the runner's node; ReadWriteMany places it freely. */
export function podStorage(
  claimName: string | undefined,
  accessModes: string[],
  runnerNode: string | undefined,
  useKubeScheduler: boolean
): PodStorage {
  if (claimName === undefined) return { mode: 'copy' }
  const shared = accessModes.includes('ReadWriteMany')
  return {
    mode: 'volume',
    claimName,
    node: shared ? undefined : runnerNode,
    pinWithAffinity: useKubeScheduler
  }
}

/** The image to seed /__e from: ACTIONS_RUNNER_IMAGE, else the runner container's own image. */
export function runnerImage(config: K8sConfig, runnerPod: V1Pod): string | undefined {
  if (config.runnerImage) return config.runnerImage
  const containers = runnerPod.spec?.containers ?? []
  const runner = containers.find(c => c.name === 'runner') ?? containers[0]
  return runner?.image
}
