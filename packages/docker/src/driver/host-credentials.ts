/**
 * Registry credentials from the runner user's Docker config, for images the runner sends none
 * for: config.json's auths, or `docker-credential-<helper> get` with the server on stdin, as the
 * Docker CLI does. Secrets stay in memory: never logged, never on a command line or on disk.
 */
import { spawn } from 'node:child_process'
import { deadline, type Logger } from '@container-hooks/hooklib'
import { credentialSource, helperAuth } from '../specs/docker-config'
import type { AuthConfig } from '../specs/pull-policy'
import { readDockerConfigFile } from './docker-config-file'

const HELPER_TIMEOUT_MS = 30_000
const NOT_FOUND = /credentials not found/i

/** Runs the helper; resolves its stdout, or rejects with a message that carries no secret. */
async function runHelper(
  helper: string,
  server: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal
): Promise<string> {
  const bound = deadline(HELPER_TIMEOUT_MS, signal)
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(`docker-credential-${helper}`, ['get'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env,
        signal: bound.signal
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      child.on('error', e =>
        reject(
          new Error(
            (e as NodeJS.ErrnoException).code === 'ENOENT'
              ? `docker-credential-${helper} is not on PATH`
              : e.message
          )
        )
      )
      child.on('close', code => {
        if (code === 0) resolve(out)
        // Helpers print their error on stdout (no secret there on failure).
        else reject(new Error((out.trim() || err.trim() || `exit code ${code}`).split('\n')[0]))
      })
      // A helper that exits without reading its stdin: its exit code tells what happened.
      child.stdin.on('error', () => undefined)
      child.stdin.end(server)
    })
  } finally {
    bound.clear()
  }
}

export async function hostCredentials(
  configDir: string,
  image: string,
  log: Logger,
  signal: AbortSignal,
  /** The helper's environment (its PATH finds it), as the CLI passes its own. */
  env: NodeJS.ProcessEnv = process.env
): Promise<AuthConfig | undefined> {
  const file = readDockerConfigFile(configDir, log)
  if (file === undefined) return undefined
  const { path, text } = file
  const source = credentialSource(text, path, image)
  if (source === undefined) return undefined
  if (source.kind === 'auths') {
    log.info(`Using the credentials for ${source.key} from ${path}`)
    return source.auth
  }
  const name = `docker-credential-${source.helper}`
  try {
    const auth = helperAuth(
      await runHelper(source.helper, source.server, env, signal),
      source.server
    )
    if (auth) log.info(`Using the credentials for ${source.server} from ${name} (${path})`)
    return auth
  } catch (err) {
    signal.throwIfAborted()
    const message = (err as Error).message
    if (!NOT_FOUND.test(message))
      log.warning(
        `${name} get failed for ${source.server} (${message}); pulling without credentials`
      )
    return undefined
  }
}
