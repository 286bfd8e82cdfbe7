/** The dockerode client for the configured engine. */
import Docker from 'dockerode'
import type { DockerHookConfig } from '../config'

export function connect(config: DockerHookConfig): Docker {
  const version = config.apiVersion === undefined ? undefined : `v${config.apiVersion}`
  const { engine } = config
  if (engine.kind === 'unix') return new Docker({ socketPath: engine.socketPath, version })
  const tls = engine.tls
  return new Docker({
    host: engine.host,
    port: engine.port,
    protocol: tls ? 'https' : 'http',
    ca: tls?.verify ? tls.ca : undefined,
    cert: tls?.cert,
    key: tls?.key,
    version
  })
}
