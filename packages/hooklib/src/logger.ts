/**
 * Workflow-command logging (the runner parses `::name::data` lines from the hook's stdout).
 * Every line printed goes through the mask, so a registered secret never reaches the log.
 */
export interface Logger {
  info(msg: string): void
  /** Printed only when step debug is on (RUNNER_DEBUG=1 or ACTIONS_STEP_DEBUG=true). */
  debug(msg: string): void
  /** An annotation that is no problem: something the admin may want to change. */
  notice(msg: string): void
  warning(msg: string): void
  error(msg: string): void
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  startGroup(title: string): void
  endGroup(): void
  /** Masks `secret` in everything this logger prints and asks the runner to mask it too. */
  addMask(secret: string): void
  mask(text: string): string
}

export interface LoggerOptions {
  /** Defaults to process.stdout. Called once per printed line, newline included. */
  write?: (text: string) => void
  /** Defaults to isDebug(process.env). */
  debug?: boolean
}

/**
 * Values shorter than this are not masked: masking "1" or "ab" would shred every log line
 * while protecting nothing (the runner already masks the workflow's own secrets).
 */
export const MIN_MASK_LENGTH = 4

export function isDebug(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.RUNNER_DEBUG === '1' || env.ACTIONS_STEP_DEBUG?.toLowerCase() === 'true'
}

/** Command data escaping as the runner unescapes it, so a multi-line message stays one line. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((text: string) => void process.stdout.write(text))
  const debugOn = options.debug ?? isDebug(process.env)
  // Longest first, so a secret containing another secret is masked whole.
  const secrets: string[] = []

  const mask = (text: string): string =>
    secrets.reduce((out, secret) => out.split(secret).join('***'), text)
  const command = (name: string, msg: string): void =>
    write(`::${name}::${escapeData(mask(msg))}\n`)

  const logger: Logger = {
    info: msg => write(`${mask(msg)}\n`),
    debug: msg => {
      if (debugOn) command('debug', msg)
    },
    notice: msg => command('notice', msg),
    warning: msg => command('warning', msg),
    error: msg => command('error', msg),
    startGroup: title => command('group', title),
    endGroup: () => write('::endgroup::\n'),
    async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
      logger.startGroup(title)
      try {
        return await fn()
      } finally {
        logger.endGroup()
      }
    },
    addMask: secret => {
      // A multi-line secret (a key file) is usually printed line by line: mask each line too.
      const values = [secret, ...secret.split(/\r?\n/)].filter(
        v => v.trim().length >= MIN_MASK_LENGTH && !secrets.includes(v)
      )
      for (const value of new Set(values)) {
        write(`::add-mask::${escapeData(value)}\n`)
        secrets.push(value)
      }
      secrets.sort((a, b) => b.length - a.length)
    },
    mask
  }
  return logger
}
