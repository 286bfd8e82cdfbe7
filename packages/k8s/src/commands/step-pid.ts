/**
 * Takes the wrapper's first stderr line (its PID, see exec-wrapper) out of the step's stderr and
 * forwards everything else unchanged, with back-pressure.
 */
import { Writable } from 'node:stream'
import { PID_PREFIX } from '../specs/exec-wrapper'

// The PID line is short: more than this without a newline means it is not there.
const MAX_HEAD = 64

export class StepPid extends Writable {
  pid?: number
  private head: Buffer | undefined = Buffer.alloc(0)

  constructor(private readonly target: Writable) {
    super()
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null) => void
  ): void {
    if (this.head === undefined) return this.forward(chunk, done)
    this.head = Buffer.concat([this.head, chunk])
    const newline = this.head.indexOf(10)
    if (newline < 0 && this.head.length < MAX_HEAD) return done()
    const line = newline < 0 ? '' : this.head.subarray(0, newline).toString()
    let rest = this.head
    if (line.startsWith(PID_PREFIX)) {
      this.pid = Number(line.slice(PID_PREFIX.length))
      rest = this.head.subarray(newline + 1)
    }
    this.head = undefined
    this.forward(rest, done)
  }

  override _final(done: (err?: Error | null) => void): void {
    const head = this.head ?? Buffer.alloc(0)
    this.head = undefined
    this.forward(head, done)
  }

  private forward(chunk: Buffer, done: (err?: Error | null) => void): void {
    if (chunk.length === 0 || this.target.write(chunk)) done()
    else this.target.once('drain', () => done())
  }
}
