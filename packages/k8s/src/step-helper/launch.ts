/** Starting a job's step helper (prepare_job) and stopping it (cleanup_job). */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { FRAME, HELPER_ARG, frame } from './protocol'
import { helperSocket } from './socket-path'

const STOP_TIMEOUT_MS = 2_000
/**
 * The hook's bundle, which the helper runs too: scripts/bundle-loader.mjs runs the hook with
 * the bundle's own `__filename`.
 */
const BUNDLE = __filename

/**
 * Starts the hook's own bundle as `pod`'s helper, detached: no pipe of the runner's
 * stays open (the runner waits for them) and the runner's kill of this process does not reach
 * it. Nothing waits for it: until it listens, steps run in their own process. The caller kills
 * it if the job does not start after all.
 */
export function startHelper(pod: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [BUNDLE, HELPER_ARG, pod], {
    detached: true,
    stdio: 'ignore',
    env
  })
  child.on('error', () => undefined)
  child.unref()
  return child
}

/** Asks `pod`'s helper to exit and resolves once it has closed the connection (or none was there). */
export function stopHelper(pod: string): Promise<void> {
  return tell(pod, frame(FRAME.stop))
}

/** Has `pod`'s helper run the exec path once, in the background (see server.ts). */
export function warmHelper(pod: string, state: unknown): Promise<void> {
  return tell(pod, frame(FRAME.warm, JSON.stringify(state)))
}

/** Sends one frame to `pod`'s helper, if one listens; resolves once it has closed the connection. */
function tell(pod: string, message: Buffer): Promise<void> {
  const path = helperSocket(pod)
  if (path === undefined) return Promise.resolve()
  return new Promise(resolve => {
    const conn = connect(path, () => conn.end(message))
    conn.setTimeout(STOP_TIMEOUT_MS, () => conn.destroy())
    conn.on('error', () => undefined)
    conn.on('close', () => resolve())
  })
}
