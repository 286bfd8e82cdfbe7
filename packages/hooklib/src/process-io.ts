/**
 * The process's stdin and exit, with nothing else of hooklib loaded (the subpath
 * `@container-hooks/hooklib/process-io`): a hook can look at its input, and exit, before or
 * without loading the rest.
 */
import { readFileSync } from 'node:fs'

/** Reads a whole stream (the runner closes stdin after its one line). */
export async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Read synchronously: creating the `process.stdin` stream costs a hook ~7 ms of start-up on
 * every step, and the runner closes stdin right after its one line. A non-blocking stdin
 * (EAGAIN) falls back to the stream.
 */
export async function readStdinText(): Promise<string> {
  try {
    return readFileSync(0, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
    return readText(process.stdin)
  }
}

/** Exits with `code` once everything written to stdout before has been flushed. */
export function exitAfterDrain(code: number): void {
  process.exitCode = code
  // The write callback runs after everything queued before it has been flushed.
  process.stdout.write('', () => process.exit(code))
}
