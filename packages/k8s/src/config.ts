/**
 * Every environment variable the Kubernetes hook reads, in one place (docs/k8s.md has the
 * reference). The incumbent's names keep their meaning; ours use the
 * ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_ prefix.
 */
import {
  ConfigError,
  joinRunnerArgs,
  readDebugSettings,
  readReconnectBoundMs,
  type DebugSettings
} from '@container-hooks/hooklib'

import type { Heartbeat } from './kube/client'

export type StorageMode = 'volume' | 'copy'

/** Dockerfile actions (docs/k8s.md "Dockerfile actions"); checked only when one is built. */
export interface BuildConfig {
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST: `host[:port][/path]` for built images. */
  registryHost?: string
  /** …_REGISTRY_HOST_PUSH: the address builder pods push to (default: the host). */
  registryPushHost?: string
  /** …_REGISTRY_HOST_PULL: the address nodes pull from (default: the host). */
  registryPullHost?: string
  /** …_REGISTRY_SECRET_NAME: a kubernetes.io/dockerconfigjson secret for push and pull. */
  registrySecret?: string
  /** …_REGISTRY_INSECURE: the push host speaks plain HTTP. */
  registryInsecure: boolean
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_BUILDER_IMAGE: Kaniko's executor with busybox in /busybox. */
  builderImage: string
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_BUILDER_ARGS: extra executor flags, shell-quoted. */
  builderArgs: string[]
}

export interface K8sConfig {
  /** ACTIONS_RUNNER_POD_NAME: the runner's own pod; names and labels derive from it. */
  runnerPod: string
  /** ACTIONS_RUNNER_KUBERNETES_NAMESPACE, else the in-cluster namespace, else "default". */
  namespace: string
  /** ACTIONS_RUNNER_CLAIM_NAME (default `<pod>-work`); `claimExplicit` when it was set. */
  claimName: string
  claimExplicit: boolean
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: forces a mode instead of detecting it. */
  storage?: StorageMode
  /** ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS (default 600): how long the job pod may take. */
  prepareTimeoutMs: number
  /** ACTIONS_RUNNER_IMAGE: seeds /__e; default: the runner pod's own image. */
  runnerImage?: string
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_EXTERNALS: the externals folder inside that image. */
  externalsDir: string
  /** ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: path of a YAML PodTemplateSpec to merge. */
  templatePath?: string
  /** ACTIONS_RUNNER_USE_KUBE_SCHEDULER: node affinity instead of nodeName for RWO claims. */
  useKubeScheduler: boolean
  /**
   * ACTIONS_RUNNER_HOOK_RWO=true (the incumbent's): the claim is ReadWriteOnce whatever it says;
   * job pods get a required node affinity to the runner's node.
   */
  hookRwo: boolean
  /**
   * ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS (default 5000): how often exec websockets are pinged;
   * ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS (default 12 periods + 1 s = 61000): no answer for this
   * long and the connection is lost (the step fails instead of hanging).
   */
  heartbeat: Heartbeat
  build: BuildConfig
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG, _DEBUG_IMAGE, _DEBUG_HOLD_SECONDS (src/debug). */
  debug: DebugSettings
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STEP_HELPER (default true): prepare_job starts a step helper. */
  stepHelper: boolean
  /**
   * ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_RECONNECT_SECONDS, else ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS,
   * else 120 s: how long a step whose API server connection broke keeps trying to re-attach
   * before its processes are stopped and it fails.
   */
  reconnectMs: number
}

const DEFAULT_PREPARE_TIMEOUT_SECONDS = 600
const DEFAULT_HEARTBEAT_MS = 5000
const DEFAULT_EXTERNALS_DIR = '/home/runner/externals'
// The last upstream Kaniko release; its -debug variant has the busybox the builder pod needs.
export const DEFAULT_BUILDER_IMAGE = 'gcr.io/kaniko-project/executor:v1.24.0-debug'
const K8S = 'ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_'
export const IN_CLUSTER_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace'

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value ? value : undefined
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback = false): boolean {
  const value = text(env, name)?.toLowerCase()
  if (value === undefined) return fallback
  if (value === 'false' || value === '0') return false
  if (value === 'true' || value === '1') return true
  throw new ConfigError(`${name}=${JSON.stringify(env[name])} is not a boolean; use true or false`)
}

function positiveSeconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = text(env, name)
  if (value === undefined) return fallback
  const seconds = Number(value)
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new ConfigError(`${name}=${JSON.stringify(value)} is not a positive number of seconds`)
  }
  return seconds
}

function positiveMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = text(env, name)
  if (value === undefined) return undefined
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new ConfigError(
      `${name}=${JSON.stringify(value)} is not a positive number of milliseconds`
    )
  }
  return ms
}

function heartbeat(env: NodeJS.ProcessEnv): Heartbeat {
  const periodMs = positiveMs(env, 'ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS') ?? DEFAULT_HEARTBEAT_MS
  const deadlineMs = positiveMs(env, 'ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS') ?? periodMs * 12 + 1000
  if (deadlineMs <= periodMs) {
    throw new ConfigError(
      `ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS=${deadlineMs} must be longer than ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS=${periodMs}: a connection is judged after at least one ping`
    )
  }
  return { periodMs, deadlineMs }
}

function storage(env: NodeJS.ProcessEnv): StorageMode | undefined {
  const name = 'ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE'
  const value = text(env, name)?.toLowerCase()
  if (value === undefined || value === 'volume' || value === 'copy') return value
  throw new ConfigError(`${name}=${JSON.stringify(env[name])} is invalid; use volume or copy`)
}

function buildConfig(env: NodeJS.ProcessEnv): BuildConfig {
  const args = text(env, `${K8S}BUILDER_ARGS`)
  return {
    registryHost: text(env, `${K8S}REGISTRY_HOST`),
    registryPushHost: text(env, `${K8S}REGISTRY_HOST_PUSH`),
    registryPullHost: text(env, `${K8S}REGISTRY_HOST_PULL`),
    registrySecret: text(env, `${K8S}REGISTRY_SECRET_NAME`),
    registryInsecure: bool(env, `${K8S}REGISTRY_INSECURE`),
    builderImage: text(env, `${K8S}BUILDER_IMAGE`) ?? DEFAULT_BUILDER_IMAGE,
    builderArgs: args === undefined ? [] : joinRunnerArgs([args])
  }
}

/** `readNamespaceFile` reads the in-cluster namespace file, or undefined outside a cluster. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  readNamespaceFile: () => string | undefined = () => undefined
): K8sConfig {
  const runnerPod = text(env, 'ACTIONS_RUNNER_POD_NAME')
  if (runnerPod === undefined) {
    throw new ConfigError(
      'ACTIONS_RUNNER_POD_NAME is not set: set it to the runner pod name (the downward API field metadata.name)'
    )
  }
  const claim = text(env, 'ACTIONS_RUNNER_CLAIM_NAME')
  return {
    runnerPod,
    namespace:
      text(env, 'ACTIONS_RUNNER_KUBERNETES_NAMESPACE') ?? readNamespaceFile()?.trim() ?? 'default',
    claimName: claim ?? `${runnerPod}-work`,
    claimExplicit: claim !== undefined,
    storage: storage(env),
    prepareTimeoutMs:
      positiveSeconds(
        env,
        'ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS',
        DEFAULT_PREPARE_TIMEOUT_SECONDS
      ) * 1000,
    runnerImage: text(env, 'ACTIONS_RUNNER_IMAGE'),
    externalsDir:
      text(env, 'ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_EXTERNALS') ?? DEFAULT_EXTERNALS_DIR,
    templatePath: text(env, 'ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE'),
    useKubeScheduler: bool(env, 'ACTIONS_RUNNER_USE_KUBE_SCHEDULER'),
    hookRwo: bool(env, 'ACTIONS_RUNNER_HOOK_RWO'),
    heartbeat: heartbeat(env),
    build: buildConfig(env),
    debug: readDebugSettings(env, 'ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_'),
    stepHelper: bool(env, `${K8S}STEP_HELPER`, true),
    reconnectMs: readReconnectBoundMs(env, `${K8S}RECONNECT_SECONDS`)
  }
}
