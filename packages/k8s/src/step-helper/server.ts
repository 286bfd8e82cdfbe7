/**
 * The step helper: one process per job, started by prepare_job, that runs the job's script
 * steps for the hook processes the runner starts. Its modules are loaded and its code warm, so a
 * step costs the exec itself instead of Node loading TLS, the websocket client and the hook on
 * every step (docs/benchmarks.md). It serves this user alone (socket-path.ts), exits when
 * cleanup_job stops it or after IDLE_MS without a connection, and a hook that cannot reach it
 * runs the step itself.
 */
import { isDebug, runHook, type HookHandlers } from '@container-hooks/hooklib'
import { rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { Readable, Writable } from 'node:stream'
import { FRAME, FrameReader, frame, sameCluster } from './protocol'
import { ensureTrustedDir, socketPath } from './socket-path'
import { BUILD_INFO } from '../build-info'

export const IDLE_MS = 15 * 60_000

interface Request {
  input: string
  env: NodeJS.ProcessEnv
}

/** Sends what is written as frames of `type`; output of a client that went away is dropped. */
function channel(conn: Socket, type: number): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done): void {
      if (conn.destroyed) return done()
      conn.write(frame(type, chunk), () => done())
    }
  })
}

function run(conn: Socket, request: Request, handlers: HookHandlers, cancel: Cancel): void {
  const stdout = channel(conn, FRAME.stdout)
  void runHook(handlers, {
    stdin: Readable.from([request.input]),
    version: BUILD_INFO,
    env: request.env,
    stdout,
    stderr: channel(conn, FRAME.stderr),
    exit: false,
    signals: false,
    cancellation: onSignal => {
      cancel.to = onSignal
      return () => (cancel.to = undefined)
    }
  }).then(code => {
    // After the output: a stream's writes are queued on the socket in order.
    stdout.end(() => conn.end(frame(FRAME.exit, String(code))))
  })
  // After runHook's first, synchronous, debug line: the version.
  if (isDebug(request.env))
    stdout.write(`::debug::Run by the job's step helper (pid ${process.pid})\n`)
}

/** Undefined for anything but {input, env}: not from our client, dropped. */
function parseRequest(payload: Buffer): Request | undefined {
  try {
    const request = JSON.parse(payload.toString()) as Partial<Request>
    if (typeof request.input === 'string' && typeof request.env === 'object' && request.env)
      return { input: request.input, env: request.env }
  } catch {
    // not JSON
  }
  return undefined
}

/** The running command's cancel, while runHook has it attached. */
interface Cancel {
  to?: (signal: string) => void
}

export interface HelperOptions {
  handlers: HookHandlers
  /** Runs the exec path once with the job's state, so the first step finds it compiled. */
  warmUp: (state: unknown) => Promise<void>
  idleMs?: number
}

/**
 * Serves one connection: a request (then cancels), a warm-up or a stop. Resolves once it is
 * closed.
 */
function serveConnection(conn: Socket, options: HelperOptions, stop: () => void): Promise<void> {
  return new Promise(resolve => {
    const reader = new FrameReader()
    const cancel: Cancel = {}
    let started = false
    conn.on('error', () => undefined)
    conn.on('close', () => {
      // The hook process died (the runner's SIGKILL): the step must not run on unattended.
      cancel.to?.('SIGKILL')
      resolve()
    })
    conn.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.type === FRAME.cancel) cancel.to?.(f.payload.toString())
        else if (f.type === FRAME.stop) {
          stop()
          conn.end()
        } else if (f.type === FRAME.warm) {
          conn.end()
          void Promise.resolve()
            .then(() => options.warmUp(JSON.parse(f.payload.toString())))
            .catch(() => undefined)
        } else if (f.type === FRAME.request && !started) {
          started = true
          const request = parseRequest(f.payload)
          if (!request) conn.destroy()
          else if (!sameCluster(request.env, process.env)) conn.end(frame(FRAME.decline))
          else run(conn, request, options.handlers, cancel)
        }
      }
    })
  })
}

/**
 * Listens on `pod`'s socket until stopped or idle; the process then exits once the steps in
 * progress are done. Undefined when there is no private place for the socket.
 */
export function serveSteps(pod: string, options: HelperOptions): Server | undefined {
  const path = socketPath(pod)
  if (path === undefined || !ensureTrustedDir()) return undefined
  rmSync(path, { force: true })
  let active = 0
  let idle: NodeJS.Timeout | undefined
  const server: Server = createServer()
  const stop = (): void => {
    clearTimeout(idle)
    if (server.listening) server.close(() => rmSync(path, { force: true }))
  }
  // Unref'd: the listening server is what keeps the process up, not the countdown.
  const arm = (): void => {
    clearTimeout(idle)
    if (active === 0 && server.listening) idle = setTimeout(stop, options.idleMs ?? IDLE_MS).unref()
  }
  server.on('connection', conn => {
    active++
    arm()
    void serveConnection(conn, options, stop).then(() => {
      active--
      arm()
    })
  })
  server.on('error', stop)
  server.listen(path, arm)
  return server
}
