/**
 * The registry secret (ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME): it must exist
 * before a builder pod mounts it (a missing secret would leave the pod pending), and its
 * credentials for the push registry let the hook ask whether an image was built before.
 */
import type { V1Secret } from '@kubernetes/client-node'
import { ConfigError } from '@container-hooks/hooklib'
import { KubeApiError, type KubeClient } from '../kube/client'
import { REGISTRY_SECRET_NAME } from '../specs/build-target'

export interface Credentials {
  username: string
  password: string
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>
}

function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//, '').split('/')[0]
}

/** The credentials the secret holds for `registry` (host[:port]), if any. */
export function credentialsFor(config: DockerConfig, registry: string): Credentials | undefined {
  const entry = Object.entries(config.auths ?? {}).find(([key]) => hostOf(key) === registry)?.[1]
  if (entry === undefined) return undefined
  if (entry.username !== undefined && entry.password !== undefined)
    return { username: entry.username, password: entry.password }
  if (entry.auth === undefined) return undefined
  const plain = Buffer.from(entry.auth, 'base64').toString()
  const colon = plain.indexOf(':')
  return colon < 0
    ? undefined
    : { username: plain.slice(0, colon), password: plain.slice(colon + 1) }
}

/** Reads and checks the secret; its docker config. */
export async function readRegistrySecret(client: KubeClient, name: string): Promise<DockerConfig> {
  let secret: V1Secret
  try {
    secret = await client.call<V1Secret>('GET', `secrets/${name}`, {
      verb: 'get',
      resource: 'secrets'
    })
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) {
      throw new ConfigError(
        `${REGISTRY_SECRET_NAME}=${name}: no such secret in namespace ${client.namespace}; create a kubernetes.io/dockerconfigjson secret there (kubectl create secret docker-registry)`
      )
    }
    throw err
  }
  const data = secret.data?.['.dockerconfigjson']
  if (secret.type !== 'kubernetes.io/dockerconfigjson' || data === undefined) {
    throw new ConfigError(
      `${REGISTRY_SECRET_NAME}=${name}: the secret must be of type kubernetes.io/dockerconfigjson (it is ${secret.type ?? 'untyped'})`
    )
  }
  try {
    return JSON.parse(Buffer.from(data, 'base64').toString()) as DockerConfig
  } catch {
    throw new ConfigError(`${REGISTRY_SECRET_NAME}=${name}: .dockerconfigjson is not valid JSON`)
  }
}
