import { homedir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@container-hooks/hooklib'

/**
 * Where the emulator keeps what it reuses between jobs (the runner's externals): HOOKS_CACHE_DIR,
 * else the XDG cache dir (`$XDG_CACHE_HOME`, `~/.cache`) + `container-hooks`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.HOOKS_CACHE_DIR) return env.HOOKS_CACHE_DIR
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'container-hooks')
  const home = env.HOME ?? safeHomedir()
  if (!home) {
    throw new ConfigError(
      'The emulator has no cache directory: set HOOKS_CACHE_DIR (or XDG_CACHE_HOME, or HOME)'
    )
  }
  return join(home, '.cache', 'container-hooks')
}

function safeHomedir(): string | undefined {
  try {
    return homedir() || undefined
  } catch {
    return undefined
  }
}

/** A cache that cannot be written, as one line naming the variable that moves it. */
export function unwritableCache(dir: string, err: unknown): ConfigError {
  const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message
  return new ConfigError(
    `The emulator cannot write its cache directory ${dir} (${reason}); set HOOKS_CACHE_DIR to a writable directory`
  )
}
