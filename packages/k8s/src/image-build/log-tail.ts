/** Passes build output through to the step log and keeps its last lines for the error message. */
import { Writable } from 'node:stream'

// Kaniko colours its log levels.
const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g')

export class LogTail extends Writable {
  private lines: string[] = []
  private partial = ''

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly keep = 20
  ) {
    super()
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const text = this.partial + chunk.toString()
    const parts = text.split('\n')
    this.partial = parts.pop() ?? ''
    this.lines.push(...parts)
    if (this.lines.length > this.keep) this.lines = this.lines.slice(-this.keep)
    if (this.out.write(chunk)) done()
    else this.out.once('drain', () => done())
  }

  /** The last non-empty lines, without colour codes. */
  last(count: number): string[] {
    return [...this.lines, this.partial]
      .map(line => line.replace(ANSI, '').trim())
      .filter(Boolean)
      .slice(-count)
  }
}
