/**
 * hooklib's cutting proxy between the hook and the API server: a copy of the test kubeconfig
 * whose server is the proxy (TLS passes through; the API server's certificate holds 127.0.0.1).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startCuttingProxy, type CuttingProxy } from '../../../hooklib/test/fixtures/cutting-proxy'
import type { ClusterJob } from './pods'

export interface ApiProxy {
  proxy: CuttingProxy
  /** The hook's env: KUBECONFIG through the proxy. */
  env: NodeJS.ProcessEnv
}

/** `name` names the kubeconfig copy: one per proxy of a test file. */
export async function startApiProxy(job: ClusterJob, name = 'proxied'): Promise<ApiProxy> {
  const config = readFileSync(job.c.env.kubeconfigPath, 'utf8')
  const server = /server: https:\/\/127\.0\.0\.1:(\d+)/.exec(config)
  if (!server) throw new Error(`no https://127.0.0.1 server in ${job.c.env.kubeconfigPath}`)
  const proxy = await startCuttingProxy({ host: '127.0.0.1', port: Number(server[1]) }, 'tcp')
  const at = proxy.listening
  const file = join(job.work.temp, `${name}.kubeconfig`)
  writeFileSync(
    file,
    config.replace(server[0], `server: https://127.0.0.1:${'port' in at ? at.port : 0}`)
  )
  chmodSync(file, 0o600)
  return { proxy, env: { KUBECONFIG: file } }
}
