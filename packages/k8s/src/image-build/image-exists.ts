/**
 * Whether an image tag is already in the registry: one manifest HEAD over the registry's v2 API,
 * with Basic credentials, or a bearer token fetched first when the registry asks for one. Any
 * doubt (unreachable, an unknown auth scheme, a timeout) answers "no", and the image is built.
 */
import { deadline } from '@container-hooks/hooklib'
import type { Credentials } from './registry-auth'

const TIMEOUT_MS = 10_000
const MANIFESTS = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

export interface ImageQuery {
  /** host[:port] */
  registry: string
  /** The repository path inside the registry, e.g. `actions/owner-repo`. */
  repository: string
  tag: string
  insecure: boolean
  credentials?: Credentials
  signal: AbortSignal
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
}

function challengeParams(header: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) params[m[1].toLowerCase()] = m[2]
  return params
}

async function bearer(challenge: string, q: ImageQuery, signal: AbortSignal): Promise<string> {
  const { realm, service } = challengeParams(challenge)
  if (!realm) throw new Error('no realm in the bearer challenge')
  const url = new URL(realm)
  if (service) url.searchParams.set('service', service)
  url.searchParams.set('scope', `repository:${q.repository}:pull`)
  const headers: Record<string, string> = q.credentials
    ? { Authorization: basic(q.credentials) }
    : {}
  const res = await fetch(url, { headers, signal })
  if (!res.ok) throw new Error(`token request: HTTP ${res.status}`)
  const body = (await res.json()) as { token?: string; access_token?: string }
  const token = body.token ?? body.access_token
  if (!token) throw new Error('no token in the answer')
  return `Bearer ${token}`
}

export async function imageExists(q: ImageQuery): Promise<boolean> {
  const bound = deadline(TIMEOUT_MS, q.signal)
  const signal = bound.signal
  const url = `${q.insecure ? 'http' : 'https'}://${q.registry}/v2/${q.repository}/manifests/${q.tag}`
  const head = (authorization?: string): Promise<Response> =>
    fetch(url, {
      method: 'HEAD',
      headers: { Accept: MANIFESTS, ...(authorization ? { Authorization: authorization } : {}) },
      signal
    })
  try {
    let res = await head(q.credentials ? basic(q.credentials) : undefined)
    const challenge = res.headers.get('www-authenticate') ?? ''
    if (res.status === 401 && /^bearer /i.test(challenge))
      res = await head(await bearer(challenge, q, signal))
    return res.status === 200
  } catch {
    q.signal.throwIfAborted()
    return false
  } finally {
    bound.clear()
  }
}
