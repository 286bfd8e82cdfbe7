import { PassThrough } from 'node:stream'
import { LineStartStream } from '../src/line-start'

async function written(act: (stream: LineStartStream) => void): Promise<string> {
  const target = new PassThrough()
  const chunks: Buffer[] = []
  target.on('data', (chunk: Buffer) => chunks.push(chunk))
  const stream = new LineStartStream(target)
  act(stream)
  await stream.flush()
  return Buffer.concat(chunks).toString()
}

describe('LineStartStream', () => {
  it("starts a hook line on a line of its own after the step's unterminated output", async () => {
    const out = await written(s => {
      s.write('done')
      s.writeLine('::error::The step exited with code 3\n')
    })
    expect(out).toBe('done\n::error::The step exited with code 3\n')
  })

  it('adds nothing where the step ended its line, or before anything was written', async () => {
    const out = await written(s => {
      s.writeLine('::debug::first\n')
      s.write(Buffer.from('a\nb\n'))
      s.writeLine('::error::x\n')
    })
    expect(out).toBe('::debug::first\na\nb\n::error::x\n')
  })

  it("passes the step's bytes on unchanged and in order, hook lines included", async () => {
    const out = await written(s => {
      s.write('par')
      s.write('tial')
      s.writeLine('one\n')
      s.writeLine('two\n')
      s.write('no newline')
    })
    expect(out).toBe('partial\none\ntwo\nno newline')
  })

  it('judges a hook line by what was written before it, not by what was written after', async () => {
    const out = await written(s => {
      s.write('step\n')
      s.writeLine('hook\n')
      s.write('more')
    })
    expect(out).toBe('step\nhook\nmore')
  })
})
