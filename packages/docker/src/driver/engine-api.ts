/**
 * A minimal Engine API client for the script-step hot path only (ADR 0002): loading dockerode,
 * or even node:http, costs more start-up than the exec's own calls. One HTTP/1.1 request per
 * connection (`Connection: close`), so an answer is simply everything until the engine closes.
 * Failures carry dockerode's shape (statusCode, json.message, code) so engineError reads both.
 */
import { connect as netConnect, type Socket } from 'node:net'
import type { Readable } from 'node:stream'
// Loaded on first use in the bundle (bundle.config.mjs): only TLS engines need it.
import { connect as tlsConnect } from 'node:tls'
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

const HEADER_END = Buffer.from('\r\n\r\n')

function open(config: DockerHookConfig): Socket {
  const { engine } = config
  if (engine.kind === 'unix') return netConnect(engine.socketPath)
  if (engine.tls === null) return netConnect(engine.port, engine.host)
  const { ca, cert, key, verify } = engine.tls
  return tlsConnect({
    host: engine.host,
    port: engine.port,
    ca,
    cert,
    key,
    rejectUnauthorized: verify
  })
}

interface Head {
  status: number
  chunked: boolean
}

function parseHead(text: string): Head {
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)
  return { status, chunked: /\r\ntransfer-encoding:\s*chunked/i.test(text) }
}

/** The body of a `Transfer-Encoding: chunked` answer, read in full. */
function unchunk(raw: Buffer): Buffer {
  const parts: Buffer[] = []
  let pos = 0
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', pos)
    const size = lineEnd < 0 ? 0 : parseInt(raw.toString('latin1', pos, lineEnd), 16)
    if (!(size > 0)) return Buffer.concat(parts)
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size))
    pos = lineEnd + 2 + size + 2
  }
}

/**
 * Sends one call; resolves once the status line and headers are in, with the socket as the
 * body stream (the rest of what the engine sends before it closes).
 */
function send(config: DockerHookConfig, call: EngineCall): Promise<{ head: Head; body: Socket }> {
  const prefix = config.apiVersion === undefined ? '' : `/v${config.apiVersion}`
  const body = call.body === undefined ? '' : JSON.stringify(call.body)
  const request =
    `${call.method} ${prefix}${call.path} HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n` +
    (body === '' ? '' : `Content-Type: application/json\r\n`) +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  return new Promise((resolve, reject) => {
    const socket = open(config)
    let received = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk])
      const end = received.indexOf(HEADER_END)
      if (end < 0) return
      socket.off('data', onData).off('error', reject).off('end', onEnd)
      socket.pause()
      const rest = received.subarray(end + HEADER_END.length)
      if (rest.length > 0) socket.unshift(rest)
      resolve({ head: parseHead(received.toString('latin1', 0, end)), body: socket })
    }
    const onEnd = (): void =>
      reject(
        Object.assign(new Error('The engine closed the connection before answering'), {
          code: 'ECONNRESET'
        })
      )
    socket.on('data', onData).on('error', reject).on('end', onEnd)
    socket.write(request)
  })
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const ok = (head: Head): boolean => head.status >= 200 && head.status < 300

function bodyText(head: Head, raw: Buffer): string {
  return (head.chunked ? unchunk(raw) : raw).toString('utf8')
}

function apiError(head: Head, text: string, call: EngineCall): EngineApiError {
  let json: { message?: string } | null
  try {
    json = JSON.parse(text) as { message?: string }
  } catch {
    json = { message: text.trim() }
  }
  return new EngineApiError(head.status, json, `${call.method} ${call.path}`)
}

/** Sends one call; resolves its body stream once the status is 2xx. */
export async function engineStream(config: DockerHookConfig, call: EngineCall): Promise<Readable> {
  const { head, body } = await send(config, call)
  if (ok(head)) return body
  throw apiError(head, bodyText(head, await readAll(body)), call)
}

/** Sends one call and resolves its whole body as bytes (a file from the archive API). */
export async function engineBytes(config: DockerHookConfig, call: EngineCall): Promise<Buffer> {
  const { head, body } = await send(config, call)
  const raw = await readAll(body)
  if (!ok(head)) throw apiError(head, bodyText(head, raw), call)
  return head.chunked ? unchunk(raw) : raw
}

/** Sends one call and parses its JSON answer (undefined for an empty body). */
export async function engineCall<T>(config: DockerHookConfig, call: EngineCall): Promise<T> {
  const { head, body } = await send(config, call)
  const text = bodyText(head, await readAll(body))
  if (!ok(head)) throw apiError(head, text, call)
  return (text === '' ? undefined : JSON.parse(text)) as T
}
