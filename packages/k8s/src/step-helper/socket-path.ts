/**
 * Where a job's step helper listens: `<tmp>/container-hooks-helpers-<uid>/<pod>.sock`, in a
 * directory that only this user can enter, since whoever reaches the socket runs commands in
 * the job pod and reads the env the client sends (secrets included).
 */
import { lstatSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// sun_path holds 108 bytes on Linux, the terminating NUL included.
const MAX_SOCKET_PATH = 107

function uid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1
}

export function helperDir(): string {
  return join(tmpdir(), `container-hooks-helpers-${uid()}`)
}

/** The socket of `pod`'s helper, or undefined when the path would be too long for a socket. */
export function socketPath(pod: string): string | undefined {
  const path = join(helperDir(), `${pod}.sock`)
  return Buffer.byteLength(path) <= MAX_SOCKET_PATH ? path : undefined
}

/** True when `dir` exists, is a real directory, is ours and nobody else may enter it. */
export function trustedDir(dir = helperDir()): boolean {
  try {
    const st = lstatSync(dir)
    return st.isDirectory() && st.uid === uid() && (st.mode & 0o077) === 0
  } catch {
    return false
  }
}

/** `pod`'s socket when a client may use it (the directory is trusted), else undefined. */
export function helperSocket(pod: string): string | undefined {
  const path = socketPath(pod)
  return path !== undefined && trustedDir() ? path : undefined
}

/** Creates the directory (mode 0700) when missing; then the same check as trustedDir. */
export function ensureTrustedDir(): boolean {
  try {
    mkdirSync(helperDir(), { recursive: true, mode: 0o700 })
  } catch {
    return false
  }
  return trustedDir()
}
