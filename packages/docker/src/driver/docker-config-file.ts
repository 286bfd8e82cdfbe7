/** Reads the Docker CLI's config.json from its folder (DOCKER_CONFIG, else ~/.docker). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { proxyEnv } from '../specs/docker-config'

export interface DockerConfigFile {
  path: string
  text: string
}

/**
 * undefined when there is no config.json; an unreadable or invalid one is a warning and is
 * ignored, as the Docker CLI does.
 */
export function readDockerConfigFile(dir: string, log: Logger): DockerConfigFile | undefined {
  const path = join(dir, 'config.json')
  try {
    const text = readFileSync(path, 'utf8')
    JSON.parse(text)
    return { path, text }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    // Not the parser's message: it quotes the text around the error, which may be a secret.
    const why = err instanceof SyntaxError ? 'it is not valid JSON' : (err as Error).message
    log.warning(`Ignoring the Docker config ${path}: ${why}`)
    return undefined
  }
}

/** The proxy variables `docker create` would add to each container (config.json `proxies`). */
export function dockerConfigProxies(
  config: Pick<DockerHookConfig, 'dockerConfigDir' | 'engineUrl'>,
  log: Logger
): Record<string, string> {
  const file = readDockerConfigFile(config.dockerConfigDir, log)
  return file === undefined ? {} : proxyEnv(file.text, file.path, config.engineUrl)
}
