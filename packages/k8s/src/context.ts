/** Config and API access for one hook command. */
import { readFileSync } from 'node:fs'
import { readConfig, IN_CLUSTER_NAMESPACE, type K8sConfig } from './config'
import { connect, KubeClient, loadKubeConfig } from './kube/client'

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

/** `namespace` overrides the configured one (a saved state knows where its pod is). */
export async function kubeContext(
  env: NodeJS.ProcessEnv,
  namespace?: string
): Promise<KubeContext> {
  const config = readConfig(env, inClusterNamespace)
  const conn = await connect(loadKubeConfig())
  return { config, client: new KubeClient(conn, namespace ?? config.namespace) }
}
