import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runHook, uniqueRunner } from '../support/hook'

/** The bundle's V8 code cache (scripts/bundle-loader.mjs) in a private TMPDIR. */
describe('the code cache', () => {
  const runner = uniqueRunner('cache')
  const dir = mkdtempSync(join(tmpdir(), 'docker-hook-cache-'))
  const env = { TMPDIR: dir }
  const badInput = { stdin: '{"command":"prepare_job",' }

  function cacheFile(): string {
    const cacheDir = join(dir, `container-hooks-cache-${process.getuid?.() ?? -1}`)
    const files = readdirSync(cacheDir).filter(f => f.endsWith('.v8'))
    expect(files).toHaveLength(1)
    return join(cacheDir, files[0])
  }

  it('is written by a first run, and a corrupt one is ignored and replaced', async () => {
    const first = await runHook('prepare_job', {}, null, runner, { env, ...badInput })
    expect(first.errors).toEqual([
      expect.stringMatching(/^::error::Invalid hook input: stdin is not JSON/)
    ])
    const file = cacheFile()
    const good = readFileSync(file)
    // Flipped bytes in the middle of the data: V8 itself would abort the process on these.
    const corrupt = Buffer.from(good)
    corrupt.fill(0xa5, corrupt.length >> 1, (corrupt.length >> 1) + 64)
    writeFileSync(file, corrupt)

    const second = await runHook('prepare_job', {}, null, runner, { env, ...badInput })
    expect(second.code).toBe(1)
    expect(second.errors).toEqual(first.errors)
    expect(readFileSync(cacheFile()).equals(corrupt)).toBe(false)
  })
})
