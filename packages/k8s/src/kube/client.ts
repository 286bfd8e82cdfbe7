/**
 * A thin JSON client for the few core/v1 calls the hook makes. Credentials and TLS come from
 * @kubernetes/client-node's KubeConfig (in-cluster, KUBECONFIG, auth plugins); requests go
 * through node:https directly so the bundle does not carry the generated API (cold start).
 */
import { KubeConfig } from '@kubernetes/client-node/dist/config.js'
import { HookError } from '@container-hooks/hooklib'
import { request, type RequestOptions } from 'node:https'
import { request as plainRequest, type IncomingMessage } from 'node:http'
import { Notices } from './notices'

/** A failed API call; `status` is the HTTP status (0 when the server was not reached). */
export class KubeApiError extends HookError {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
  }
}

export interface Access {
  verb: string
  resource: string
}

export interface Connection {
  server: string
  options: RequestOptions
}

export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig()
  try {
    kc.loadFromDefault()
  } catch (err) {
    throw new HookError(
      `Cannot load the Kubernetes configuration (in-cluster or KUBECONFIG): ${(err as Error).message}`
    )
  }
  if (!kc.getCurrentCluster()) {
    throw new HookError(
      'No Kubernetes cluster configured: run the hook in a pod with a ServiceAccount, or set KUBECONFIG'
    )
  }
  return kc
}

export async function connect(kc: KubeConfig): Promise<Connection> {
  const options: RequestOptions = {}
  try {
    await kc.applyToHTTPSOptions(options)
  } catch (err) {
    throw new HookError(
      `Cannot use the Kubernetes configuration (in-cluster or KUBECONFIG): ${(err as Error).message}`
    )
  }
  return { server: kc.getCurrentCluster()!.server.replace(/\/+$/, ''), options }
}

function apiMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string }
    if (status.message) return status.message
  } catch {
    // not a Status object: show the raw body
  }
  return body.trim().slice(0, 500) || '(no message)'
}

/**
 * How long a call (not a stream) may go without a byte before its connection counts as dead: the
 * API server itself ends a call at its --request-timeout, 60 s by default. Without it, a call on a
 * black-holed connection would wait for TCP to give up, for many minutes.
 */
const CALL_IDLE_MS = 70_000

/** ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS / _DEADLINE_MS: pings on exec websockets. */
export interface Heartbeat {
  periodMs: number
  deadlineMs: number
}

export interface ClientOptions {
  /** Where a missing optional permission is told, once per run. */
  notices?: Notices
  heartbeat?: Heartbeat
  /** Default CALL_IDLE_MS. */
  callIdleMs?: number
}

export class KubeClient {
  readonly notices: Notices
  readonly heartbeat?: Heartbeat
  readonly callIdleMs: number

  constructor(
    readonly conn: Connection,
    readonly namespace: string,
    options: ClientOptions = {}
  ) {
    this.notices = options.notices ?? new Notices()
    this.heartbeat = options.heartbeat
    this.callIdleMs = options.callIdleMs ?? CALL_IDLE_MS
  }

  /** The same connection and options, in another namespace. */
  in(namespace: string): KubeClient {
    return new KubeClient(this.conn, namespace, this)
  }

  /** Parses the JSON answer of `text`. */
  async call<T>(
    method: string,
    path: string,
    access: Access,
    body?: unknown,
    contentType?: string
  ): Promise<T> {
    const text = await this.text(method, path, access, body, contentType)
    return (text ? JSON.parse(text) : {}) as T
  }

  /**
   * `path` is relative to /api/v1/namespaces/<ns>/, e.g. `pods/x`. `contentType` of a body
   * defaults to JSON; PATCH needs a patch type (e.g. application/merge-patch+json).
   */
  async text(
    method: string,
    path: string,
    access: Access,
    body?: unknown,
    contentType = 'application/json'
  ): Promise<string> {
    const res = await this.send(method, path, body, undefined, contentType, this.callIdleMs)
    const chunks: Buffer[] = []
    try {
      for await (const chunk of res) chunks.push(chunk as Buffer)
    } catch (err) {
      throw this.unreachable(err as Error)
    }
    const text = Buffer.concat(chunks).toString()
    this.check(res.statusCode ?? 0, text, access)
    return text
  }

  /**
   * A GET whose 2xx body is read as it arrives (pods/log with follow), with back-pressure;
   * `signal` destroys it.
   */
  async stream(path: string, access: Access, signal?: AbortSignal): Promise<IncomingMessage> {
    const res = await this.send('GET', path, undefined, signal)
    const status = res.statusCode ?? 0
    if (status >= 200 && status < 300) return res
    const chunks: Buffer[] = []
    for await (const chunk of res) chunks.push(chunk as Buffer)
    this.check(status, Buffer.concat(chunks).toString(), access)
    return res
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    signal?: AbortSignal,
    contentType = 'application/json',
    idleMs?: number
  ): Promise<IncomingMessage> {
    const url = new URL(`${this.conn.server}/api/v1/namespaces/${this.namespace}/${path}`)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const send = url.protocol === 'http:' ? plainRequest : request
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(
        url,
        {
          ...this.conn.options,
          method,
          signal,
          headers: {
            ...this.conn.options.headers,
            Accept: 'application/json',
            ...(payload === undefined ? {} : { 'Content-Type': contentType })
          }
        },
        resolve
      )
      req.on('error', err =>
        reject(signal?.aborted ? (signal.reason as Error) : this.unreachable(err))
      )
      if (idleMs !== undefined) {
        req.setTimeout(idleMs, () => req.destroy(new Error(`no answer for ${idleMs / 1000} s`)))
      }
      req.end(payload)
    })
  }

  private unreachable(err: Error): KubeApiError {
    return new KubeApiError(
      `Cannot reach the Kubernetes API at ${this.conn.server}: ${err.message}`,
      0
    )
  }

  private check(status: number, text: string, access: Access): void {
    if (status >= 200 && status < 300) return
    const message = apiMessage(text)
    if (status === 401 || status === 403) {
      throw new KubeApiError(
        `Kubernetes refused to ${access.verb} ${access.resource} in namespace ${this.namespace} (HTTP ${status}: ${message}). Grant "${access.verb}" on "${access.resource}" to the runner's ServiceAccount (see the Role in docs/k8s.md)`,
        status
      )
    }
    throw new KubeApiError(
      `Kubernetes API: ${access.verb} ${access.resource} failed (HTTP ${status}): ${message}`,
      status
    )
  }
}
