/**
 * Splits the engine's multiplexed attach/exec stream (8-byte frame headers) into stdout and
 * stderr, in order, honouring back-pressure so a step printing gigabytes stays in bounded memory.
 */
import { Writable } from 'node:stream'

const HEADER = 8
const STDERR = 2

/** Payload bytes passed on so far, per stream: what the hook has of the step's output. */
export interface Delivered {
  out: number
  err: number
  /** The end trailer arrived: the stream carried everything to the end. */
  complete?: boolean
}

export interface DemuxOptions {
  /** Kept up to date as frames are passed on. */
  delivered?: Delivered
  /** Called after each chunk has been passed on. */
  onDelivered?: () => void
  /** The last bytes of stderr that mark a complete stream (exec-spec.ts endTrailer), stripped. */
  trailer?: Buffer
}

/** How many bytes at the end of `data` could begin `trailer` (all of it: it is there). */
function trailerStart(data: Buffer, trailer: Buffer): number {
  for (let i = Math.max(0, data.length - trailer.length); i < data.length; i++) {
    const tail = data.subarray(i)
    if (tail[0] === trailer[0] && trailer.subarray(0, tail.length).equals(tail)) return tail.length
  }
  return 0
}

export function demuxer(
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  options: DemuxOptions = {}
): Writable {
  const { delivered = { out: 0, err: 0 }, onDelivered, trailer } = options
  let pending: Buffer = Buffer.alloc(0)
  // The end of stderr that may be the start of the trailer: printed only once it is not.
  let held: Buffer = Buffer.alloc(0)
  const errPayload = (payload: Buffer): Buffer => {
    if (trailer === undefined) return payload
    const data = held.length === 0 ? payload : Buffer.concat([held, payload])
    const start = trailerStart(data, trailer)
    held = start === trailer.length ? Buffer.alloc(0) : data.subarray(data.length - start)
    if (start === trailer.length) delivered.complete = true
    return data.subarray(0, data.length - start)
  }
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      // One 'drain' wait per blocked stream, not per frame: a chunk holds many frames, and a
      // listener each would pile up on a slow stdout (and Node would warn into the output).
      const blocked = new Set<NodeJS.WritableStream>()
      let failed: Error | null = null
      while (pending.length >= HEADER) {
        const size = pending.readUInt32BE(4)
        if (pending.length < HEADER + size) break
        const isErr = pending[0] === STDERR
        const out = isErr ? stderr : stdout
        const raw = pending.subarray(HEADER, HEADER + size)
        pending = pending.subarray(HEADER + size)
        const payload = isErr ? errPayload(raw) : raw
        if (payload.length === 0) continue
        if (isErr) delivered.err += payload.length
        else delivered.out += payload.length
        const ok = out.write(payload, err => {
          failed ??= err ?? null
        })
        if (!ok) blocked.add(out)
      }
      const drained = [...blocked].map(out => new Promise(resolve => out.once('drain', resolve)))
      Promise.all(drained).then(() => {
        onDelivered?.()
        done(failed)
      }, done)
    },
    final(done) {
      // Bytes held as a possible trailer were not delivered: a stream that ends without the
      // whole trailer was cut, and the spool's replay starts at them.
      done(
        pending.length > 0
          ? new Error(
              `The engine's output stream ended inside a frame (${pending.length} bytes left)`
            )
          : null
      )
    }
  })
}
