/**
 * One `kubernetes.io/dockerconfigjson` Secret holding the registry credentials of the job
 * container AND every service, so private service images pull too (incumbent #208).
 */
import type { V1Secret } from '@kubernetes/client-node'
import type { HookContainer } from '@container-hooks/hooklib'

// Docker's key for Docker Hub in config.json; the runner sends "" for it.
export const DOCKER_HUB = 'https://index.docker.io/v1/'

interface DockerAuth {
  username: string
  password: string
  auth: string
}

/** The `auths` of a docker config.json, or undefined when no container has credentials. */
export function dockerConfig(
  containers: (HookContainer | null)[]
): { auths: Record<string, DockerAuth> } | undefined {
  const auths: Record<string, DockerAuth> = {}
  for (const container of containers) {
    const registry = container?.registry
    if (!registry) continue
    const server = registry.serverUrl.trim() || DOCKER_HUB
    auths[server] = {
      username: registry.username,
      password: registry.password,
      auth: Buffer.from(`${registry.username}:${registry.password}`).toString('base64')
    }
  }
  return Object.keys(auths).length > 0 ? { auths } : undefined
}

export function pullSecretSpec(
  name: string,
  labels: Record<string, string>,
  containers: (HookContainer | null)[]
): V1Secret | undefined {
  const config = dockerConfig(containers)
  if (config === undefined) return undefined
  return {
    metadata: { name, labels },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') }
  }
}
