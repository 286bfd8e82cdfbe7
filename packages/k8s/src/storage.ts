/**
 * Volume or copy mode, decided from the runner's own pod: a claim mounted at the runner's
 * `_work` (or the claim named by ACTIONS_RUNNER_CLAIM_NAME) means volume mode on that claim;
 * otherwise copy mode. ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE overrides the choice. A claim
 * is a persistentVolumeClaim volume, or an ephemeral volume (actions-runner-controller's `work`),
 * whose claim Kubernetes names `<pod>-<volume>`.
 */
import type { V1Pod, V1Volume } from '@kubernetes/client-node'
import { dirname } from 'node:path'
import type { K8sConfig } from './config'
import type { PodStorage } from './specs/job-pod'

export interface ClaimChoice {
  claimName: string
  /**
   * From the runner pod itself when it is an ephemeral volume's (its volumeClaimTemplate, which
   * "get" on pods reads); undefined when only the claim object has them.
   */
  accessModes?: string[]
}

function volumeClaim(podName: string, v: V1Volume): ClaimChoice | undefined {
  if (v.persistentVolumeClaim) return { claimName: v.persistentVolumeClaim.claimName }
  const template = v.ephemeral?.volumeClaimTemplate
  if (template) return { claimName: `${podName}-${v.name}`, accessModes: template.spec.accessModes }
  return undefined
}

/** The claim the job pod should mount, or undefined for copy mode. */
export function chooseClaim(config: K8sConfig, runnerPod: V1Pod): ClaimChoice | undefined {
  if (config.storage === 'copy') return undefined
  const podName = runnerPod.metadata?.name ?? config.runnerPod
  const claims = new Map<string, ClaimChoice>()
  for (const v of runnerPod.spec?.volumes ?? []) {
    const claim = volumeClaim(podName, v)
    if (claim) claims.set(v.name, claim)
  }
  const named = [...claims.values()].find(c => c.claimName === config.claimName)
  if (named) return named
  if (config.storage === 'volume') return { claimName: config.claimName }
  if (config.claimExplicit) return undefined
  for (const c of runnerPod.spec?.containers ?? []) {
    const work = c.volumeMounts?.find(m => claims.has(m.name) && /\/_work\/?$/.test(m.mountPath))
    if (work) return claims.get(work.name)
  }
  return undefined
}

/**
 * A ReadWriteOnce claim pins the job pod to the runner's node; ReadWriteMany places it freely.
 * ACTIONS_RUNNER_HOOK_RWO pins whatever the claim says, with a required node affinity as the
 * incumbent does.
 */
export function podStorage(
  claimName: string | undefined,
  accessModes: string[],
  runnerNode: string | undefined,
  config: Pick<K8sConfig, 'useKubeScheduler' | 'hookRwo'>
): PodStorage {
  if (claimName === undefined) return { mode: 'copy' }
  const shared = accessModes.includes('ReadWriteMany') && !config.hookRwo
  return {
    mode: 'volume',
    claimName,
    node: shared ? undefined : runnerNode,
    pinWithAffinity: config.useKubeScheduler || config.hookRwo
  }
}

/** The image to seed /__e from: ACTIONS_RUNNER_IMAGE, else the runner container's own image. */
export function runnerImage(config: K8sConfig, runnerPod: V1Pod): string | undefined {
  if (config.runnerImage) return config.runnerImage
  const containers = runnerPod.spec?.containers ?? []
  const runner = containers.find(c => c.name === 'runner') ?? containers[0]
  return runner?.image
}

/** The runner's `_work` on the host as the runner's environment gives it, or "". */
export function envWorkDir(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_WORKSPACE ? dirname(env.RUNNER_WORKSPACE) : ''
}
