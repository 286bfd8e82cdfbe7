import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** The runner's cancellation: SIGINT, 7.5 s, SIGTERM, 2.5 s, then the process tree is killed. */
export interface CancelWaits {
  interruptMs: number
  terminateMs: number
}
export const RUNNER_CANCEL_WAITS: CancelWaits = { interruptMs: 7500, terminateMs: 2500 }

export interface SentSignal {
  signal: 'SIGINT' | 'SIGTERM' | 'SIGKILL'
  /** Milliseconds since the process started. */
  atMs: number
}

export interface ProcessOutcome {
  exitCode: number | null
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null
  /** The cancel signal (timer or `abort`) fired. */
  cancelled: boolean
  signals: SentSignal[]
  durationMs: number
}

export interface ProcessSpec {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  /** Written to stdin, which is then closed. */
  stdin?: string
  onLine: (line: string) => void
  /** Start cancelling this long after the start. */
  cancelAfterMs?: number
  abort?: AbortSignal
  waits: CancelWaits
}

/**
 * Runs a process with its stdout and stderr streamed line by line, in arrival order. In its own
 * process group, so that the final kill takes the whole tree like the runner's KillProcessTree.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const started = Date.now()
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const signals: SentSignal[] = []
  const timers: NodeJS.Timeout[] = []
  let exited = false
  let cancelled = false

  const send = (signal: SentSignal['signal']): void => {
    if (exited) return
    signals.push({ signal, atMs: Date.now() - started })
    try {
      // SIGINT and SIGTERM go to the process only (the runner's ProcessInvoker); SIGKILL to the tree.
      process.kill(signal === 'SIGKILL' ? -(child.pid as number) : (child.pid as number), signal)
    } catch {
      // Already gone.
    }
  }
  const cancel = (): void => {
    if (cancelled || exited) return
    cancelled = true
    send('SIGINT')
    // Each wait starts when the previous signal went out, as the runner awaits each in turn.
    timers.push(
      setTimeout(() => {
        send('SIGTERM')
        timers.push(setTimeout(() => send('SIGKILL'), spec.waits.terminateMs))
      }, spec.waits.interruptMs)
    )
  }
  if (spec.cancelAfterMs !== undefined) timers.push(setTimeout(cancel, spec.cancelAfterMs))
  if (spec.abort?.aborted) cancel()
  spec.abort?.addEventListener('abort', cancel)

  const streamsDone = [child.stdout, child.stderr].map(
    stream =>
      new Promise<void>(resolve => {
        const lines = createInterface({ input: stream, crlfDelay: Infinity })
        lines.on('line', spec.onLine)
        lines.on('close', resolve)
      })
  )
  child.stdin.on('error', () => undefined) // a hook that never reads stdin is not our failure
  child.stdin.end(spec.stdin ?? '')

  return new Promise<ProcessOutcome>(resolve => {
    let outcome: Omit<ProcessOutcome, 'durationMs' | 'cancelled' | 'signals'> | null = null
    const finish = (): void => {
      timers.forEach(clearTimeout)
      spec.abort?.removeEventListener('abort', cancel)
      resolve({
        ...(outcome as NonNullable<typeof outcome>),
        cancelled,
        signals,
        durationMs: Date.now() - started
      })
    }
    child.on('error', err => {
      exited = true
      spec.onLine(`Cannot start ${spec.command}: ${err.message}`)
      outcome = { exitCode: 127, signal: null }
      finish()
    })
    child.on('exit', (code, signal) => {
      exited = true
      outcome = { exitCode: code, signal }
      // A grandchild may hold the pipes open: read what is there, but do not wait for it forever.
      let grace: NodeJS.Timeout | undefined
      const graceOver = new Promise<void>(done => (grace = setTimeout(done, 2000)))
      void Promise.race([Promise.all(streamsDone), graceOver]).then(() => {
        clearTimeout(grace)
        child.stdout.destroy()
        child.stderr.destroy()
        finish()
      })
    })
  })
}
