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
import { BackPressure } from '../back-pressure'
import { KubeApiError, type KubeClient } from './client'

const STDIN = 0
const STDOUT = 1
const STDERR = 2
const STATUS = 3
const CLOSE = 255
// The defaults of ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS / _DEADLINE_MS (kubectl's ping period).
const DEFAULT_PING_MS = 5_000

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
  /** No pong (or, before that, no upgrade) for this long: the connection is dead. */
  deadAfterMs?: number
  /** Called once the API server has upgraded the connection: the command runs. */
  onOpen?: () => void
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

/** The ping period and the silence after which the connection counts as dead. */
function heartbeat(client: KubeClient, req: ExecRequest): { pingEvery: number; deadAfter: number } {
  const pingEvery = req.pingIntervalMs ?? client.heartbeat?.periodMs ?? DEFAULT_PING_MS
  const deadAfter = req.deadAfterMs ?? client.heartbeat?.deadlineMs ?? 12 * pingEvery + 1000
  return { pingEvery, deadAfter }
}

/**
 * The websocket of one exec; the mask is skipped (zeroMask), compression is not worth it. An
 * upgrade that never comes (a black-holed connection) fails after the heartbeat's deadline,
 * as a silence after it does: pings only start once the socket is open.
 */
function openExec(client: KubeClient, req: ExecRequest): WebSocket {
  return new WebSocket(execUrl(client, req), ['v5.channel.k8s.io', 'v4.channel.k8s.io'], {
    ...client.conn.options,
    perMessageDeflate: false,
    generateMask: zeroMask,
    handshakeTimeout: heartbeat(client, req).deadAfter
  })
}

function lostConnection(req: ExecRequest, why: string): LostConnectionError {
  return new LostConnectionError(
    `Lost the connection to the pod while ${req.what} was running: ${why}`
  )
}

/** The API server refused the upgrade: its Status message, with the permission to grant. */
function refusal(req: ExecRequest, status: number, body: string): KubeApiError {
  let message = body.trim().slice(0, 500)
  try {
    message = (JSON.parse(body) as V1Status).message ?? message
  } catch {
    // keep the raw body
  }
  const hint =
    status === 401 || status === 403
      ? `. Grant "create" (and "get") on "pods/exec" to the runner's ServiceAccount (see the Role in docs/k8s.md)`
      : ''
  return new KubeApiError(
    `Kubernetes refused to exec ${req.what} in pod ${req.pod} (HTTP ${status}: ${message})${hint}`,
    status
  )
}

/**
 * Pings every heartbeat period; `onDead` when no pong came for the deadline. Returns the stop.
 */
function keepAlive(
  ws: WebSocket,
  client: KubeClient,
  req: ExecRequest,
  onDead: (err: Error) => void
): () => void {
  const { pingEvery, deadAfter } = heartbeat(client, req)
  let lastPong = Date.now()
  ws.on('pong', () => {
    lastPong = Date.now()
  })
  const pinger = setInterval(() => {
    if (ws.readyState !== WebSocket.OPEN) return
    if (Date.now() - lastPong > deadAfter)
      return onDead(lostConnection(req, `no answer to pings for ${Math.round(deadAfter / 1000)} s`))
    ws.ping()
  }, pingEvery)
  return () => clearInterval(pinger)
}

/**
 * Output frames go to stdout/stderr, pausing the socket while a target is full; the status
 * frame ends the exec with the command's exit code (or the server's refusal to run it).
 */
function onFrames(
  ws: WebSocket,
  req: ExecRequest,
  finish: (error: Error | undefined, code?: number) => void
): void {
  const output = new BackPressure(ws)
  ws.on('message', (data: Buffer) => {
    // What a terminated socket still had buffered belongs to an exec already given up: a
    // re-attach resumes from what was passed on before.
    if (ws.readyState !== WebSocket.OPEN) return
    const channel = data[0]
    const payload = data.subarray(1)
    if (channel === STDOUT || channel === STDERR) {
      output.write(channel === STDOUT ? req.stdout : req.stderr, payload)
    } else if (channel === STATUS) {
      try {
        finish(undefined, exitCodeOf(JSON.parse(payload.toString()) as V1Status, req.what))
      } catch (err) {
        finish(err as Error)
      }
    }
  })
}

/** Everything that ends an exec without a status: refusal, socket errors, an early close. */
function onFailures(
  ws: WebSocket,
  req: ExecRequest,
  finish: (error: Error | undefined, code?: number) => void
): void {
  let opened = false
  ws.on('unexpected-response', (_request, res) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => finish(refusal(req, res.statusCode ?? 0, Buffer.concat(chunks).toString())))
  })
  ws.on('open', () => {
    opened = true
    req.onOpen?.()
    if (req.stdin === undefined) return
    sendStdin(ws, req.stdin).catch((err: Error) =>
      finish(new LostConnectionError(`Could not send input to ${req.what}: ${err.message}`))
    )
  })
  ws.on('error', err => {
    finish(
      opened
        ? lostConnection(req, err.message)
        : new KubeApiError(`Cannot exec in pod ${req.pod}: ${err.message}`, 0)
    )
  })
  ws.on('close', (code, reason) => {
    const detail = reason.length > 0 ? `${code} ${reason.toString()}` : String(code)
    finish(
      lostConnection(req, `the stream closed without an exit status (websocket close ${detail})`)
    )
  })
}

/** Runs `req.command` and resolves its exit code. */
export function exec(client: KubeClient, req: ExecRequest): Promise<number> {
  const ws = openExec(client, req)
  return new Promise<number>((resolve, reject) => {
    let settled = false
    const finish = (error: Error | undefined, code = 0): void => {
      if (settled) return
      settled = true
      stopPings()
      req.signal?.removeEventListener('abort', onAbort)
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate()
      if (error) reject(error)
      else resolve(code)
    }
    const onAbort = (): void =>
      finish(req.signal?.reason instanceof Error ? req.signal.reason : new HookError('Cancelled'))
    // All handlers first: even a cancelled exec's terminate() emits "error" on the socket.
    const stopPings = keepAlive(ws, client, req, finish)
    onFrames(ws, req, finish)
    onFailures(ws, req, finish)
    if (req.signal?.aborted) return onAbort()
    req.signal?.addEventListener('abort', onAbort, { once: true })
  })
}
