/**
 * Splits the engine's multiplexed attach/exec stream (8-byte frame headers) into stdout and
 * stderr, in order, honouring back-pressure so a step printing gigabytes stays in bounded memory.
 */
import { Writable } from 'node:stream'

const HEADER = 8
const STDERR = 2

function writeTo(out: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, err => (err ? reject(err) : undefined))
    if (ok) resolve()
    else out.once('drain', resolve)
  })
}

export function demuxer(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Writable {
  let pending: Buffer = Buffer.alloc(0)
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
      const frames: Array<Promise<void>> = []
      while (pending.length >= HEADER) {
        const size = pending.readUInt32BE(4)
        if (pending.length < HEADER + size) break
        const payload = pending.subarray(HEADER, HEADER + size)
        frames.push(writeTo(pending[0] === STDERR ? stderr : stdout, payload))
        pending = pending.subarray(HEADER + size)
      }
      Promise.all(frames).then(() => done(), done)
    },
    final(done) {
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
