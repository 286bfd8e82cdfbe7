/**
 * The hook process's side of a step helper (server.ts): sends its input and env, relays the
 * output and the signals the runner sends, and exits with the helper's exit code. Loads only
 * Node's net module, so a step through the helper costs little more than Node's own start.
 */
import { connect } from 'node:net'
import type { Writable } from 'node:stream'
import { BackPressure } from '../back-pressure'
import { FRAME, FrameReader, frame } from './protocol'
import { helperSocket } from './socket-path'

export interface ClientIo {
  stdout: Writable
  stderr: Writable
  env: NodeJS.ProcessEnv
  /** Where SIGINT and SIGTERM arrive (the process). */
  signals: NodeJS.EventEmitter
}

export const LOST_HELPER =
  "The job's step helper process stopped while it ran the step: the step's outcome is unknown. Its pod may still run it; cleanup_job deletes the pod."

const SIGNALS = ['SIGINT', 'SIGTERM'] as const

/** The job pod of a run_script_step input, or undefined for anything else. */
export function scriptStepPod(input: string): string | undefined {
  try {
    const data = JSON.parse(input) as { command?: unknown; state?: { pod?: unknown } | null }
    if (data.command === 'run_script_step' && typeof data.state?.pod === 'string')
      return data.state.pod
  } catch {
    // not JSON: runHook reports it
  }
  return undefined
}

/**
 * The helper's exit code; or, when no helper ran the step, no code and the signals received
 * meanwhile, which the caller replays into its own run of the command.
 */
export type HelperOutcome = { code: number } | { code?: undefined; signals: string[] }

/**
 * Runs `input` (the runner's line) in `pod`'s helper. No helper answers when none started, it
 * stopped, or the socket is not private; it declines another cluster's env.
 */
export function runInHelper(pod: string, input: string, io: ClientIo): Promise<HelperOutcome> {
  const path = helperSocket(pod)
  if (path === undefined) return Promise.resolve({ signals: [] })
  return new Promise(resolve => {
    const conn = connect(path)
    const reader = new FrameReader()
    const output = new BackPressure(conn)
    let connected = false
    let declined = false
    let code: number | undefined
    // Whether the helper's stdout ended a line, so that our own error line starts one.
    let atLineStart = true
    const received: string[] = []
    const onSignal = (name: string) => (): void => {
      received.push(name)
      if (connected) conn.write(frame(FRAME.cancel, name))
    }
    const listeners = SIGNALS.map(name => [name, onSignal(name)] as const)
    for (const [name, listener] of listeners) io.signals.on(name, listener)
    conn.on('connect', () => {
      connected = true
      conn.write(frame(FRAME.request, JSON.stringify({ input, env: io.env })))
      for (const name of received) conn.write(frame(FRAME.cancel, name))
    })
    conn.on('data', (chunk: Buffer) => {
      for (const f of reader.push(chunk)) {
        if (f.type === FRAME.exit) code = Number(f.payload.toString())
        if (f.type === FRAME.decline) declined = true
        const target =
          f.type === FRAME.stdout ? io.stdout : f.type === FRAME.stderr ? io.stderr : undefined
        if (target) output.write(target, f.payload)
        if (target === io.stdout && f.payload.length > 0) atLineStart = f.payload.at(-1) === 10
      }
    })
    conn.on('error', () => undefined)
    conn.on('close', () => {
      for (const [name, listener] of listeners) io.signals.off(name, listener)
      if (!connected || declined) return resolve({ signals: received })
      if (code === undefined) {
        io.stdout.write(`${atLineStart ? '' : '\n'}::error::${LOST_HELPER}\n`)
        return resolve({ code: 1 })
      }
      resolve({ code })
    })
  })
}
