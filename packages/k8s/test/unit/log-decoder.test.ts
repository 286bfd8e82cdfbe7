import { LogDecoder } from '../../src/kube/logs'

const TS1 = '2026-12-02T14:50:33.100000000Z'
const TS2 = '2026-12-02T14:50:33.200000000Z'
const TS3 = '2026-12-02T14:50:34.000000000Z'

function feed(decoder: LogDecoder, ...chunks: string[]): string {
  return chunks.map(c => decoder.push(Buffer.from(c)).toString()).join('')
}

describe('LogDecoder', () => {
  test('removes the timestamps, whatever the chunk boundaries', () => {
    const text = `${TS1} one\n${TS2} two words\n${TS3} three`
    for (let cut = 0; cut <= text.length; cut++) {
      const decoder = new LogDecoder()
      expect(feed(decoder, text.slice(0, cut), text.slice(cut))).toBe('one\ntwo words\nthree')
      expect(decoder.last).toBe(TS3)
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

  test('a resumed stream does not repeat lines already shown', () => {
    const decoder = new LogDecoder()
    expect(feed(decoder, `${TS1} one\n${TS2} two\n`)).toBe('one\ntwo\n')
    expect(decoder.resume().toString()).toBe('')
    expect(feed(decoder, `${TS1} one\n${TS2} two\n${TS3} three\n`)).toBe('three\n')
  })

  test('a line cut off by a dropped stream is ended before the resumed output', () => {
    const decoder = new LogDecoder()
    expect(feed(decoder, `${TS1} one\n${TS2} tw`)).toBe('one\ntw')
    expect(decoder.resume().toString()).toBe('\n')
    expect(feed(decoder, `${TS2} two\n${TS3} three\n`)).toBe('three\n')
  })
})
