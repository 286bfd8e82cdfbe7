import { LogDecoder } from '../../src/kube/log-decoder'

const TS1 = '2026-12-02T14:50:33.100000000Z'
const TS2 = '2026-12-02T14:50:33.200000000Z'
const TS3 = '2026-12-02T14:50:34.000000000Z'

function feed(decoder: LogDecoder, ...chunks: string[]): string {
  return chunks.map(c => decoder.push(Buffer.from(c)).toString()).join('')
}

/** One log entry as the runtime writes it: a line, or a piece of a long one (no newline). */
interface Entry {
  stamp: string
  text: string
}

/**
 * What the kubelet sends for `entries` (k8s.io/cri-client pkg/logs ReadLogs, as measured): only
 * entries from `since` (whole seconds) on, with a stamp before each entry that follows a newline
 * in the whole log (or comes first in it).
 */
function kubelet(entries: Entry[], since?: string): string {
  let out = ''
  let newLine = true
  for (const e of entries) {
    if (since === undefined || `${e.stamp.slice(0, 19)}Z` >= since)
      out += `${newLine ? `${e.stamp} ` : ''}${e.text}`
    newLine = e.text.endsWith('\n')
  }
  return out
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): (n: number) => number {
  let s = seed
  return n => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return Math.floor((s / 2 ** 31) * n)
  }
}

// Content that looks like what the decoder parses: spaces, and a timestamp of its own.
const WORDS = ['x', ' y ', '2026-12-02T14:50:33.000000001Z ', '\n', 'long line, long line ', '\n\n']

/** A runtime's log entries of `line`: pieces of 8 bytes but the last, which ends the line. */
function pieces(line: string): string[] {
  const out: string[] = []
  for (let text = line; text.length > 0;) {
    const piece = text.length > 8 && !(text.length === 9 && text.endsWith('\n')) ? 8 : text.length
    out.push(text.slice(0, piece))
    text = text.slice(piece)
  }
  return out
}

/** Output as lines (some long; the last without newline), timed 0–3 entries per ms. */
function entries(rand: (n: number) => number, count: number): Entry[] {
  const words = Array.from({ length: count }, (_, n) => `${n}:${WORDS[rand(WORDS.length)]}`)
  const lines = words.join('').split(/(?<=\n)/)
  const out: Entry[] = []
  let ns = 0
  for (const text of lines.flatMap(pieces)) {
    ns += rand(3) === 0 ? 400_000_000 : 1 + rand(1000)
    const second = new Date(Date.UTC(2026, 11, 2, 14, 50, 33) + Math.floor(ns / 1e9) * 1000)
    const fraction = String(ns % 1e9).padStart(9, '0')
    out.push({ stamp: `${second.toISOString().slice(0, 19)}.${fraction}Z`, text })
  }
  return out
}

describe('LogDecoder', () => {
  test('removes the timestamps, whatever the chunk boundaries', () => {
    const text = `${TS1} one\n${TS2} two words\n${TS3} three`
    for (let cut = 0; cut <= text.length; cut++) {
      const decoder = new LogDecoder()
      expect(feed(decoder, text.slice(0, cut), text.slice(cut))).toBe('one\ntwo words\nthree')
      expect(decoder.since).toBe('2026-12-02T14:50:34Z')
    }
  })

  test('keeps bytes as they are (UTF-8 split across chunks, empty lines)', () => {
    const bytes = Buffer.from(`${TS1} héllo\n${TS2} \n`)
    const decoder = new LogDecoder()
    const out = Buffer.concat([
      decoder.push(bytes.subarray(0, 33)),
      decoder.push(bytes.subarray(33))
    ])
    expect(out.toString()).toBe('héllo\n\n')
  })

  test('resumes from the whole second of the last line start', () => {
    const decoder = new LogDecoder()
    expect(decoder.since).toBeUndefined()
    feed(decoder, `${TS1} one\n${TS2} two\n`)
    expect(decoder.since).toBe('2026-12-02T14:50:33Z')
  })

  test('lines of the same second, and of the same time, are neither repeated nor lost', () => {
    const decoder = new LogDecoder()
    expect(feed(decoder, `${TS1} one\n${TS2} two\n${TS2} tw`)).toBe('one\ntwo\ntw')
    decoder.resume()
    expect(feed(decoder, `${TS1} one\n${TS2} two\n${TS2} two again\n${TS3} three\n`)).toBe(
      'o again\nthree\n'
    )
  })

  test('a resumed stream that starts with the tail of a long line skips that tail', () => {
    const decoder = new LogDecoder()
    // A long line begun at 33.9 whose last piece was logged at 34.0, then a line at 34.1.
    const long = '2026-12-02T14:50:33.900000000Z'
    const next = '2026-12-02T14:50:34.100000000Z'
    expect(feed(decoder, `${long} aaaabbbb\n${next} cc`)).toBe('aaaabbbb\ncc')
    decoder.resume()
    expect(feed(decoder, `bbbb\n${next} ccdd\n`)).toBe('dd\n')
    expect(decoder.gaps).toBe(0)
  })

  test('a log rotated within the last second: the resumed stream starts at a later line', () => {
    const decoder = new LogDecoder()
    expect(feed(decoder, `${TS1} one\n${TS2} two\n${TS2.replace('.2', '.3')} thr`)).toBe(
      'one\ntwo\nthr'
    )
    decoder.resume()
    // The new file begins with "two": what was shown of it and after it is not repeated.
    expect(feed(decoder, `${TS2} two\n${TS2.replace('.2', '.3')} three\n`)).toBe('ee\n')
    expect(decoder.gaps).toBe(0)
  })

  test('a resumed stream that lacks the last second (log rotated) is shown, counted as a gap', () => {
    const decoder = new LogDecoder()
    feed(decoder, `${TS1} one\n`)
    decoder.resume()
    expect(feed(decoder, `${TS3} four\n`)).toBe('four\n')
    expect(decoder.gaps).toBe(1)
  })

  test('any cuts, growing log: output is byte-identical (property, 300 seeded runs)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rand = random(seed)
      const all = entries(rand, 40 + rand(80))
      const decoder = new LogDecoder()
      let out = ''
      for (let cuts = rand(6); ; cuts--) {
        const known = cuts > 0 ? all.slice(0, 1 + rand(all.length)) : all
        const stream = kubelet(known, decoder.since)
        const upTo = cuts > 0 ? rand(stream.length + 1) : stream.length
        // Arbitrary chunking of what arrives before the cut.
        for (let at = 0; at < upTo;) {
          const next = Math.min(upTo, at + 1 + rand(12))
          out += decoder.push(Buffer.from(stream.slice(at, next))).toString()
          at = next
        }
        if (cuts <= 0) break
        decoder.resume()
      }
      expect({ seed, out }).toEqual({ seed, out: all.map(e => e.text).join('') })
      expect(decoder.gaps).toBe(0)
    }
  })
})
