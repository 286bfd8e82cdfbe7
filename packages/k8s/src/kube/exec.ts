/**
 * Exec in a pod container over the Kubernetes websocket protocol (v5, falling back to v4):
 * streams stdout/stderr live with back-pressure, sends stdin then half-closes it, keeps the
 * connection alive with pings, and returns the command's exit code from the status channel.
 * A socket that closes without a status is a failure, never a success.
 */
import type { V1Status } from '@kubernetes/client-node'
import { HookError } from '@container-hooks/hooklib'
import { PassThrough, type Readable, type Writable } from 'node:stream'
import WebSocket from 'ws'
import { KubeApiError, type KubeClient } from './client'

const STDIN = 0
const STDOUT = 1
const STDERR = 2
const STATUS = 3
const CLOSE = 255

export interface ExecRequest {
  pod: string
  container: string
  command: string[]
  stdout: Writable
  stderr: Writable
  /** Sent in order, then stdin is closed (v5) so the command sees EOF. */
  stdin?: Readable | Buffer
  signal?: AbortSignal
  /** What runs, for messages: "the step". */
  what: string
  pingIntervalMs?: number
  /** No pong for this long: the connection is dead. */
  deadAfterMs?: number
}

/** The server answered with a status that is not an exit code (e.g. no such executable). */
export class ExecError extends HookError {}

export class LostConnectionError extends HookError {}

export function exitCodeOf(status: V1Status, what: string): number {
  if (status.status === 'Success') return 0
  const cause = status.details?.causes?.find(c => c.reason === 'ExitCode')
  if (status.reason === 'NonZeroExitCode' && cause?.message !== undefined) {
    const code = Number(cause.message)
    if (Number.isInteger(code)) return code
  }
  throw new ExecError(
    `Could not run ${what} in the pod: ${status.message ?? JSON.stringify(status)}`
  )
}

export function execUrl(
  client: KubeClient,
  req: Pick<ExecRequest, 'pod' | 'container' | 'command' | 'stdin'>
): string {
  const query = new URLSearchParams({ container: req.container, stdout: 'true', stderr: 'true' })
  if (req.stdin !== undefined) query.set('stdin', 'true')
  for (const arg of req.command) query.append('command', arg)
  const base = client.conn.server.replace(/^http/, 'ws')
  return `${base}/api/v1/namespaces/${client.namespace}/pods/${req.pod}/exec?${query.toString()}`
}

/**
 * Client frames are masked with an all-zero key, which ws then skips: the mask guards browser
 * scripts against poisoning HTTP caches of proxies on the way, which does not apply to a TLS
 * connection from the hook to the API server, and XOR-ing every byte of a workspace copy in
 * JavaScript cost ~20 % of its throughput.
 */
function zeroMask(mask: Buffer): void {
  mask.fill(0)
}

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data])
}

// Sends in flight before waiting for the oldest: keeps the socket busy on big tar streams.
const MAX_IN_FLIGHT = 32

async function sendStdin(ws: WebSocket, stdin: Readable | Buffer): Promise<void> {
  const inFlight: Promise<void>[] = []
  const send = (data: Buffer): Promise<void> =>
    new Promise((resolve, reject) =>
      ws.send(frame(STDIN, data), err => (err ? reject(err) : resolve()))
    )
  const chunks = Buffer.isBuffer(stdin) ? [stdin] : stdin
  for await (const chunk of chunks) {
    const data = Buffer.from(chunk as Buffer)
    if (data.length === 0) continue
    const sent = send(data)
    // Awaited below; this only keeps a failure from being reported as unhandled meanwhile.
    sent.catch(() => undefined)
    inFlight.push(sent)
    if (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift()
  }
  await Promise.all(inFlight)
  // v4 cannot half-close stdin; commands used with v4 must not wait for EOF.
  if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([CLOSE, STDIN]))
}

/** Runs `req.command` with its output dropped (checks, kills, warm-ups); resolves its exit code. */
export function execQuiet(
  client: KubeClient,
  req: Omit<ExecRequest, 'stdout' | 'stderr'>
): Promise<number> {
  return exec(client, {
    ...req,
    stdout: new PassThrough().resume(),
    stderr: new PassThrough().resume()
  })
}

/** Runs `req.command` and resolves its exit code. */
export function exec(client: KubeClient, req: ExecRequest): Promise<number> {
  const ws = new WebSocket(execUrl(client, req), ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
    ...client.conn.options,
    perMessageDeflate: false,
    generateMask: zeroMask
  })
  return new Promise<number>((resolve, reject) => {
    let settled = false
    let opened = false
    let lastPong = Date.now()
    const finish = (error: Error | undefined, code = 0): void => {
      if (settled) return
      settled = true
      clearInterval(pinger)
      req.signal?.removeEventListener('abort', onAbort)
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate()
      if (error) reject(error)
      else resolve(code)
    }
    const onAbort = (): void =>
      finish(req.signal?.reason instanceof Error ? req.signal.reason : new HookError('Cancelled'))
    if (req.signal?.aborted) return onAbort()
    req.signal?.addEventListener('abort', onAbort, { once: true })

    const pingEvery = req.pingIntervalMs ?? 10_000
    const deadAfter = req.deadAfterMs ?? 3 * pingEvery
    const pinger = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return
      if (Date.now() - lastPong > deadAfter) {
        finish(
          new LostConnectionError(
            `Lost the connection to the pod while ${req.what} was running: no answer to pings for ${Math.round(deadAfter / 1000)} s`
          )
        )
        return
      }
      ws.ping()
    }, pingEvery)
    ws.on('pong', () => {
      lastPong = Date.now()
    })

    ws.on('unexpected-response', (_request, res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString()
        let message = body.trim().slice(0, 500)
        try {
          message = (JSON.parse(body) as V1Status).message ?? message
        } catch {
          // keep the raw body
        }
        const status = res.statusCode ?? 0
        const hint =
          status === 401 || status === 403
            ? `. Grant "create" (and "get") on "pods/exec" to the runner's ServiceAccount (see the Role in docs/k8s.md)`
            : ''
        finish(
          new KubeApiError(
            `Kubernetes refused to exec ${req.what} in pod ${req.pod} (HTTP ${status}: ${message})${hint}`,
            status
          )
        )
      })
    })
    ws.on('open', () => {
      opened = true
      if (req.stdin === undefined) return
      sendStdin(ws, req.stdin).catch((err: Error) =>
        finish(new LostConnectionError(`Could not send input to ${req.what}: ${err.message}`))
      )
    })
    ws.on('message', (data: Buffer) => {
      const channel = data[0]
      const payload = data.subarray(1)
      if (channel === STDOUT || channel === STDERR) {
        const target = channel === STDOUT ? req.stdout : req.stderr
        if (!target.write(payload)) {
          ws.pause()
          target.once('drain', () => ws.resume())
        }
      } else if (channel === STATUS) {
        try {
          finish(undefined, exitCodeOf(JSON.parse(payload.toString()) as V1Status, req.what))
        } catch (err) {
          finish(err as Error)
        }
      }
    })
    ws.on('error', err => {
      finish(
        opened
          ? new LostConnectionError(
              `Lost the connection to the pod while ${req.what} was running: ${err.message}`
            )
          : new KubeApiError(`Cannot exec in pod ${req.pod}: ${err.message}`, 0)
      )
    })
    ws.on('close', (code, reason) => {
      const detail = reason.length > 0 ? `${code} ${reason.toString()}` : String(code)
      finish(
        new LostConnectionError(
          `Lost the connection to the pod while ${req.what} was running: the stream closed without an exit status (websocket close ${detail})`
        )
      )
    })
  })
}
