import { Writable } from 'node:stream'

const NEWLINE = 0x0a

/**
 * The hook's stdout as the runner reads it: one byte stream that carries a step's own output
 * and the hook's lines. The runner parses workflow commands (`::error::` …) only at the start of
 * a line, so a hook line written after a step's last, unterminated line (`printf done; exit 3`)
 * would be glued to it and shown as text instead of an annotation. Hook lines written through
 * `writeLine` start on a line of their own; the step's bytes pass through unchanged, in order,
 * with the target's back-pressure.
 */
export class LineStartStream extends Writable {
  readonly #target: Writable
  readonly #lines = new WeakSet<Buffer>()
  #atLineStart = true

  constructor(target: Writable) {
    super()
    this.#target = target
  }

  /** Queues one of the hook's own lines (newline included) behind the step's output. */
  writeLine(text: string): void {
    const line = Buffer.from(text)
    this.#lines.add(line)
    this.write(line)
  }

  /** Resolves once everything written before has reached the target. */
  flush(): Promise<void> {
    return new Promise(resolve => this.write(Buffer.alloc(0), () => resolve()))
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void) {
    if (chunk.length === 0) return done()
    const bytes =
      this.#lines.has(chunk) && !this.#atLineStart
        ? Buffer.concat([Buffer.from('\n'), chunk])
        : chunk
    this.#atLineStart = chunk[chunk.length - 1] === NEWLINE
    // A failed write (the runner went away) is the target's own 'error', as without this stream.
    this.#target.write(bytes, () => done())
  }
}
