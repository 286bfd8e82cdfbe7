/**
 * Turns the kubelet's pods/log stream (`timestamps=true`) back into the bytes the container
 * printed, across resumed streams, with none lost and none repeated.
 *
 * What the kubelet sends (k8s.io/cri-client pkg/logs, 1.34; measured, docs/k8s.md "Container
 * steps"): a timestamp and a space in front of each entry that follows a newline. A line longer
 * than the runtime's limit (containerd: 16 KiB) is several entries, each with its own time, so
 * only its first piece is prefixed; output that ends without a newline comes without one. A
 * resumed stream asks for `sinceTime`, which the API server passes on in whole seconds: the
 * kubelet sends every entry from that second on, prefixed as in the whole log, so a stream
 * that starts inside a line starts with that line's tail, without a timestamp.
 *
 * So the decoder counts the bytes it has shown and remembers where each line of the last second
 * started (its time and byte offset). A stream resumed from that second brings first, at most,
 * the tail of a line shown already (no timestamp: dropped), then a line whose start it knows:
 * from there on, it drops what was shown. (Keyed by time, this holds also when the log was
 * rotated within that second.) Timestamps have a fixed width, so they compare as strings.
 */
const SPACE = 0x20
const NEWLINE = 0x0a
// Longer than any timestamp: in a resumed stream's tail, stop looking for one.
const MAX_STAMP = 40
// "2026-12-02T14:50:33.123456789Z": the whole second, the fraction, the zone.
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/

interface Stamp {
  /** The whole second, with its zone: what `sinceTime` gets. */
  second: string
  /** Nanoseconds into it: a small number, so that a second of lines costs little memory. */
  ns: number
}

function parseStamp(stamp: string): Stamp | undefined {
  const m = STAMP.exec(stamp)
  return m ? { second: `${m[1]}${m[3]}`, ns: Number((m[2] ?? '').padEnd(9, '0')) } : undefined
}

/** The nanoseconds of "…33.123456789Z" after `at` (the dot), or undefined if not that form. */
function fraction(text: string, at: number): number | undefined {
  if (text.length !== at + 10 || text.charCodeAt(at + 9) !== 0x5a) return undefined
  let ns = 0
  for (let i = at; i < at + 9; i++) {
    const digit = text.charCodeAt(i) - 0x30
    if (digit < 0 || digit > 9) return undefined
    ns = ns * 10 + digit
  }
  return ns
}

export class LogDecoder {
  /** Bytes shown so far. */
  shown = 0
  /** Whether the last byte shown ends a line (or nothing was shown). */
  atLineStart = true
  /** Resumed streams that could not continue where the last one stopped (log rotated away). */
  gaps = 0
  // The last second a line started in, and where each of its lines started (bytes shown before).
  private second: string | undefined
  // Its line starts, in order: nanoseconds into the second, and bytes shown before each.
  private startNs: number[] = []
  private startAt: number[] = []
  // "2026-12-02T14:50:33." of that second: what its lines' timestamps start with.
  private prefix = '\0'
  // The timestamp read so far at the start of a line; undefined inside a line.
  private head: string | undefined = ''
  // A resumed stream before its first line start: what comes is a tail shown already.
  private seeking = false
  // Inside such a tail: dropped through its newline.
  private inTail = false
  // Bytes of the resumed stream to drop (shown already).
  private skip = 0

  /** The `sinceTime` to resume from, or undefined to read from the start. */
  get since(): string | undefined {
    return this.second
  }

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = []
    let i = 0
    while (i < chunk.length) {
      if (this.head !== undefined && !this.inTail) {
        i = this.readHead(chunk, i)
        continue
      }
      const newline = chunk.indexOf(NEWLINE, i)
      let end = newline < 0 ? chunk.length : newline + 1
      if (this.skip > 0 && !this.inTail) {
        end = Math.min(end, i + this.skip)
        this.skip -= end - i
      } else if (!this.inTail) {
        out.push(chunk.subarray(i, end))
        this.shown += end - i
        this.atLineStart = end === newline + 1
      }
      if (end === newline + 1) {
        this.head = ''
        this.inTail = false
      }
      i = end
    }
    return Buffer.concat(out)
  }

  /** Before reading a stream resumed from `since`. */
  resume(): void {
    this.head = ''
    this.seeking = this.second !== undefined
    this.inTail = false
    this.skip = 0
  }

  /** Reads a line's timestamp from `i`; returns where the line's bytes start. */
  private readHead(chunk: Buffer, i: number): number {
    const space = chunk.indexOf(SPACE, i)
    if (this.seeking) return this.seekHead(chunk, i, space)
    const head = (this.head ?? '') + chunk.toString('latin1', i, space < 0 ? chunk.length : space)
    if (space < 0) {
      this.head = head
      return chunk.length
    }
    this.head = undefined
    this.started(head)
    return space + 1
  }

  /** readHead in a resumed stream, which may start with a tail: no timestamp, a newline ends it. */
  private seekHead(chunk: Buffer, i: number, space: number): number {
    const newline = chunk.indexOf(NEWLINE, i)
    const stops = [space, newline].filter(n => n >= 0)
    const end = stops.length > 0 ? Math.min(...stops) : chunk.length
    const head = (this.head ?? '') + chunk.toString('latin1', i, end)
    this.head = undefined
    if (end === space) {
      if (!this.place(head)) this.inTail = true
      return space + 1
    }
    if (end === newline) this.head = ''
    else if (head.length > MAX_STAMP) this.inTail = true
    else this.head = head
    return end === newline ? end + 1 : end
  }

  private started(text: string): void {
    // Most lines: the current second, in the kubelet's fixed width.
    let ns = text.startsWith(this.prefix) ? fraction(text, this.prefix.length) : undefined
    if (ns === undefined) {
      const stamp = parseStamp(text)
      if (stamp === undefined || (this.second !== undefined && stamp.second < this.second)) return
      if (stamp.second !== this.second) {
        this.second = stamp.second
        this.prefix = `${text.slice(0, 19)}.`
        this.startNs = []
        this.startAt = []
      }
      ns = stamp.ns
    }
    // Lines read again while skipping are known already.
    if (this.skip === 0) {
      this.startNs.push(ns)
      this.startAt.push(this.shown)
    }
  }

  /** In a resumed stream, whether `text` is a line's timestamp (shown already, or after a gap). */
  private place(text: string): boolean {
    const stamp = parseStamp(text)
    const known = stamp?.second === this.second ? this.startNs.indexOf(stamp!.ns) : -1
    if (known >= 0) {
      this.seeking = false
      this.skip = this.shown - this.startAt[known]
      return true
    }
    // Earlier than the first line start known: text of a tail that looks like a timestamp.
    const first = this.startNs[0]
    const second = this.second!
    if (!stamp || stamp.second < second || (stamp.second === second && stamp.ns < first))
      return false
    // Those lines are no longer in the log (rotated away): show what there is, from here on.
    this.seeking = false
    this.gaps++
    this.second = undefined
    this.started(text)
    return true
  }
}
