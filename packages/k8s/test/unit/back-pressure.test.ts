import { Writable } from 'node:stream'
import { BackPressure } from '../../src/back-pressure'

/** A target that takes one chunk at a time and finishes it only when told. */
function slowTarget() {
  const received: Buffer[] = []
  const pending: (() => void)[] = []
  const target = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk)
      pending.push(() => done())
    }
  })
  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      pending.shift()!()
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  return { target, received, flush }
}

describe('BackPressure', () => {
  test('pauses the source once and waits with one drain listener per full target', async () => {
    const calls: string[] = []
    const source = { pause: () => calls.push('pause'), resume: () => calls.push('resume') }
    const out = slowTarget()
    const err = slowTarget()
    const output = new BackPressure(source)
    // Frames that arrive after the pause (already parsed, still buffered) must not add listeners.
    for (let i = 0; i < 100; i++) {
      output.write(out.target, Buffer.from(`line ${i}\n`))
      output.write(err.target, Buffer.from(`err ${i}\n`))
      expect(out.target.listenerCount('drain')).toBeLessThanOrEqual(1)
      expect(err.target.listenerCount('drain')).toBeLessThanOrEqual(1)
    }
    expect(calls).toEqual(['pause'])
    await out.flush()
    expect(calls).toEqual(['pause'])
    await err.flush()
    expect(calls).toEqual(['pause', 'resume'])
    expect(Buffer.concat(out.received).toString()).toBe(
      Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join('')
    )
    expect(out.target.listenerCount('drain')).toBe(0)
  })

  test('leaves the source running while every target takes the data', () => {
    const calls: string[] = []
    const output = new BackPressure({ pause: () => calls.push('p'), resume: () => calls.push('r') })
    const sink = new Writable({ write: (_c, _e, done) => done() })
    for (let i = 0; i < 50; i++) output.write(sink, Buffer.from('x'))
    expect(calls).toEqual([])
  })
})
