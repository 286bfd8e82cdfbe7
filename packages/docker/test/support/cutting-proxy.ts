/**
 * The shared cutting proxy (hooklib's test fixtures) on a Unix socket in front of the real
 * engine socket. Point the hook at it with `dockerHost`.
 */
import {
  startCuttingProxy as startProxy,
  type CuttingProxy as Proxy
} from '../../../hooklib/test/fixtures/cutting-proxy'

const ENGINE_SOCKET = '/var/run/docker.sock'

export interface CuttingProxy extends Proxy {
  /** `unix://…` for the hook's DOCKER_HOST. */
  dockerHost: string
}

export async function startCuttingProxy(upstream = ENGINE_SOCKET): Promise<CuttingProxy> {
  const proxy = await startProxy({ path: upstream }, 'unix')
  const at = proxy.listening
  return { ...proxy, dockerHost: `unix://${'path' in at ? at.path : ''}` }
}
