/**
 * A minimal Engine API client over node:http, for the script-step hot path only (ADR 0002):
 * loading dockerode costs more start-up than the whole exec, which needs three calls.
 * Failures carry dockerode's shape (statusCode, json.message, code) so engineError reads both.
 */
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http'
// Loaded on first use in the bundle (bundle.config.mjs): only TLS engines need it.
import { Agent as TlsAgent } from 'node:https'
import { connect as netConnect } from 'node:net'
import type { DockerHookConfig } from '../config'

export interface EngineCall {
  method: 'GET' | 'POST'
  path: string
  body?: unknown
}

export class EngineApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | null,
    doing: string
  ) {
    super(`(HTTP code ${statusCode}) ${doing} - ${json?.message ?? 'no message'}`)
  }
}

function requestOptions(config: DockerHookConfig): RequestOptions {
  const { engine } = config
  // A private connection instead of the global agent: nothing to pool in a one-shot process.
  if (engine.kind === 'unix') return { createConnection: () => netConnect(engine.socketPath) }
  if (engine.tls === null) return { host: engine.host, port: engine.port, agent: false }
  const { ca, cert, key, verify } = engine.tls
  const agent = new TlsAgent({ ca, cert, key, rejectUnauthorized: verify })
  return { protocol: 'https:', host: engine.host, port: engine.port, agent }
}

/** Sends one call; resolves the response once its status is 2xx, still unread. */
export async function engineStream(
  config: DockerHookConfig,
  call: EngineCall
): Promise<IncomingMessage> {
  const base = requestOptions(config)
  const prefix = config.apiVersion === undefined ? '' : `/v${config.apiVersion}`
  const body = call.body === undefined ? undefined : JSON.stringify(call.body)
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(
      {
        ...base,
        method: call.method,
        path: prefix + call.path,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' }
      },
      resolve
    )
    req.on('error', reject)
    req.end(body)
  })
  if (response.statusCode !== undefined && response.statusCode < 300) return response
  const text = await readAll(response)
  let json: { message?: string } | null = null
  try {
    json = JSON.parse(text) as { message?: string }
  } catch {
    json = { message: text.trim() }
  }
  throw new EngineApiError(response.statusCode ?? 0, json, `${call.method} ${call.path}`)
}

async function readAll(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Sends one call and parses its JSON answer (undefined for an empty body). */
export async function engineCall<T>(config: DockerHookConfig, call: EngineCall): Promise<T> {
  const text = await readAll(await engineStream(config, call))
  return (text === '' ? undefined : JSON.parse(text)) as T
}
