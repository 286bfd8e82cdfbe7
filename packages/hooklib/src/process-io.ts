/**
 * The process's stdin and exit, with nothing else of hooklib loaded (the subpath
 * `@container-hooks/hooklib/process-io`): a hook can look at its input, and exit, before or
 * without loading the rest.
 */
import { readFileSync } from 'node:fs'
// errors.ts imports nothing: it keeps this subpath light.
import { InputError } from './errors'

/**
 * The runner writes UTF-8; anything else is a corrupted input, refused rather than read with
 * replacement characters that would then reach a container as if the workflow had sent them.
 */
export function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    throw new InputError(
      'Invalid hook input: stdin is not valid UTF-8; the runner sends one line of JSON'
    )
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  }
  return Buffer.concat(chunks)
}

/** Reads a whole stream (the runner closes stdin after its one line). */
export async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  return decodeUtf8(await readAll(stream))
}

/**
 * Read synchronously: creating the `process.stdin` stream costs a hook ~7 ms of start-up on
 * every step, and the runner closes stdin right after its one line. A non-blocking stdin
 * (EAGAIN) falls back to the stream.
 */
export async function readStdinBytes(): Promise<Buffer> {
  try {
    return readFileSync(0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
    return readAll(process.stdin)
  }
}

/** The process's stdin as text; an InputError when it is not UTF-8. */
export async function readStdinText(): Promise<string> {
  return decodeUtf8(await readStdinBytes())
}

/** Exits with `code` once everything written to stdout before has been flushed. */
export function exitAfterDrain(code: number): void {
  process.exitCode = code
  // The write callback runs after everything queued before it has been flushed.
  process.stdout.write('', () => process.exit(code))
}
