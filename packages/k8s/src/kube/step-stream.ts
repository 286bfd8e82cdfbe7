/**
 * One output stream of a script step on its way to the runner: counts the bytes passed on (where
 * a re-attach resumes, see kube/reattach.ts) and, when told, takes a first line that starts with
 * a prefix out of the stream (the wrapper's PID, a re-attach's mode). Everything else is
 * forwarded unchanged, with back-pressure.
 */
import { Writable } from 'node:stream'
import { pruneDue, type Delivered } from '../specs/step-spool'

// A head line is short: more than this without a newline means it is not there.
const MAX_HEAD = 64

export class StepStream extends Writable {
  /** The step's bytes passed on so far. */
  bytes = 0
  /** The last head line's text after its prefix. */
  head?: string
  private prefix?: string
  private pending: Buffer | undefined
  private midLine = false
  private waiting: (() => void)[] = []

  constructor(
    private readonly target: Writable,
    prefix?: string,
    private readonly onBytes: (bytes: number) => void = () => undefined
  ) {
    super()
    if (prefix !== undefined) this.expectHead(prefix)
  }

  /** The next bytes start with a line `<prefix><text>`: it is taken out, its text kept in `head`. */
  expectHead(prefix: string): void {
    this.prefix = prefix
    this.head = undefined
    this.pending = Buffer.alloc(0)
  }

  /**
   * Runs `say` (the hook's own line on the same target) once the step's output is at the start
   * of a line: never inside one of the step's lines, and without adding a byte to them.
   */
  atLineStart(say: () => void): void {
    if (this.midLine) this.waiting.push(say)
    else say()
  }

  /**
   * Says what waited for a line start, after ending the step's partial last line: when the step
   * has ended (`done`) only if something waited, else always (the hook's own lines follow).
   */
  endLine(done: boolean): void {
    if (this.midLine && (!done || this.waiting.length > 0)) this.target.write('\n')
    this.midLine = false
    for (const say of this.waiting.splice(0)) say()
  }

  /** Resolves once everything written so far has been passed on (and counted). */
  flushed(): Promise<void> {
    return new Promise(resolve => this.write(Buffer.alloc(0), () => resolve()))
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null) => void
  ): void {
    if (this.pending === undefined) return this.forward(chunk, done)
    this.pending = Buffer.concat([this.pending, chunk])
    const newline = this.pending.indexOf(10)
    if (newline < 0 && this.pending.length < MAX_HEAD) return done()
    const line = newline < 0 ? '' : this.pending.subarray(0, newline).toString()
    let rest = this.pending
    if (this.prefix !== undefined && line.startsWith(this.prefix)) {
      this.head = line.slice(this.prefix.length)
      rest = this.pending.subarray(newline + 1)
    }
    this.pending = undefined
    this.forward(rest, done)
  }

  override _final(done: (err?: Error | null) => void): void {
    const rest = this.pending ?? Buffer.alloc(0)
    this.pending = undefined
    this.forward(rest, done)
  }

  private forward(chunk: Buffer, done: (err?: Error | null) => void): void {
    if (chunk.length === 0) return done()
    this.bytes += chunk.length
    this.onBytes(this.bytes)
    const newline = this.waiting.length > 0 ? chunk.indexOf(10) : -1
    let room: boolean
    if (newline < 0) room = this.target.write(chunk)
    else {
      this.target.write(chunk.subarray(0, newline + 1))
      for (const say of this.waiting.splice(0)) say()
      room = this.target.write(chunk.subarray(newline + 1))
    }
    this.midLine = chunk[chunk.length - 1] !== 10
    if (room) done()
    else this.target.once('drain', () => done())
  }
}

/**
 * A step's stdout and stderr (the wrapper's PID line taken out of stderr), counted; each time
 * either passes a prune mark, `prune` gets what has been delivered, so that the job container
 * can drop the segments of its spool that the hook has passed on.
 */
export class StepOutput {
  readonly out: StepStream
  readonly err: StepStream
  private pruned: Delivered = { out: 0, err: 0 }

  constructor(
    stdout: Writable,
    stderr: Writable,
    pidPrefix: string,
    private readonly prune: (delivered: Delivered) => void
  ) {
    this.out = new StepStream(stdout, undefined, () => this.check())
    this.err = new StepStream(stderr, pidPrefix, () => this.check())
  }

  delivered(): Delivered {
    return { out: this.out.bytes, err: this.err.bytes }
  }

  /** Resolves once both streams have passed on everything written to them so far. */
  async flushed(): Promise<void> {
    await Promise.all([this.out.flushed(), this.err.flushed()])
  }

  private check(): void {
    const now = this.delivered()
    if (!pruneDue(now.out, this.pruned.out) && !pruneDue(now.err, this.pruned.err)) return
    this.pruned = now
    this.prune(now)
  }
}
