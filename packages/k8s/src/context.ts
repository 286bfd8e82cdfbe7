/** Config and API access for one hook command. */
import type { Logger } from '@container-hooks/hooklib'
import { readFileSync } from 'node:fs'
import { loadConfig, IN_CLUSTER_NAMESPACE, type K8sConfig } from './config'
import { connect, KubeClient, loadKubeConfig } from './kube/client'
import { Notices } from './kube/notices'

export interface KubeContext {
  config: K8sConfig
  client: KubeClient
}

function inClusterNamespace(): string | undefined {
  try {
    return readFileSync(IN_CLUSTER_NAMESPACE, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * `namespace` overrides the configured one (a saved state knows where its pod is); `log` gets
 * the notices of missing optional permissions.
 */
export async function kubeContext(
  env: NodeJS.ProcessEnv,
  namespace?: string,
  log?: Logger
): Promise<KubeContext> {
  const config = loadConfig(env, inClusterNamespace)
  const conn = await connect(loadKubeConfig())
  const client = new KubeClient(conn, namespace ?? config.namespace, {
    notices: new Notices(log),
    heartbeat: config.heartbeat
  })
  return { config, client }
}
