import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hookNode, leftovers, runHook, runnerNode, uniqueRunner } from '../support/hook'
import { jobContainer, script, workDir } from '../support/inputs'

/** The bundle's V8 code cache (scripts/bundle-loader.mjs), each test in a private TMPDIR. */
describe('the code cache', () => {
  const badInput = { stdin: '{"command":"prepare_job",' }
  const NODE20 = runnerNode(20)
  const NODE24 = runnerNode(24)

  function privateTmp(): { env: Record<string, string>; cacheFiles: () => string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'docker-hook-cache-'))
    const cacheDir = join(dir, `container-hooks-cache-${process.getuid?.() ?? -1}`)
    return {
      env: { TMPDIR: dir },
      cacheFiles: () =>
        readdirSync(cacheDir)
          .filter(f => f.endsWith('.v8'))
          .sort()
          .map(f => join(cacheDir, f))
    }
  }

  /** The hook's run of a bad input on `node`: the whole hook loads, then one error line. */
  async function loadOn(node: string, env: Record<string, string>): Promise<void> {
    const run = await runHook('prepare_job', {}, null, uniqueRunner('cache'), {
      env,
      node,
      ...badInput
    })
    expect(run.errors).toEqual([
      expect.stringMatching(/^::error::Invalid hook input: stdin is not JSON/)
    ])
    expect(run.code).toBe(1)
  }

  it('is written by a first run, and a corrupt one is ignored and replaced', async () => {
    const tmp = privateTmp()
    await loadOn(hookNode(), tmp.env)
    const [file] = tmp.cacheFiles()
    const good = readFileSync(file)
    // Flipped bytes in the middle of the data: V8 itself would abort the process on these.
    const corrupt = Buffer.from(good)
    corrupt.fill(0xa5, corrupt.length >> 1, (corrupt.length >> 1) + 64)
    writeFileSync(file, corrupt)

    await loadOn(hookNode(), tmp.env)
    expect(tmp.cacheFiles()).toEqual([file])
    expect(readFileSync(file).equals(corrupt)).toBe(false)
  })

  it("is kept per Node: Node 20 and Node 24 each write and reuse their own, never the other's", async () => {
    const tmp = privateTmp()
    await loadOn(NODE20, tmp.env)
    const [of20] = tmp.cacheFiles()
    const bytes20 = readFileSync(of20)
    await loadOn(NODE24, tmp.env)
    const of24 = tmp.cacheFiles().find(f => f !== of20)!
    expect(tmp.cacheFiles()).toEqual([of20, of24].sort())
    expect(of20).toContain(`-${versionOf(NODE20)}-`)
    expect(of24).toContain(`-${versionOf(NODE24)}-`)
    const bytes24 = readFileSync(of24)

    // A cache V8 accepts is not written again: both are byte for byte what their Node wrote.
    await loadOn(NODE20, tmp.env)
    await loadOn(NODE24, tmp.env)
    expect(readFileSync(of20).equals(bytes20)).toBe(true)
    expect(readFileSync(of24).equals(bytes24)).toBe(true)

    // Node 20's cache (with a valid checksum) where Node 24 looks for its own: V8 rejects it, the
    // hook runs as before, and Node 24 writes its own cache over it.
    copyFileSync(of20, of24)
    await loadOn(NODE24, tmp.env)
    expect(readFileSync(of24).equals(bytes20)).toBe(false)
    expect(readFileSync(of20).equals(bytes20)).toBe(true)
  })

  it('serves a job whose steps switch between Node 20 and Node 24', async () => {
    const tmp = privateTmp()
    const runner = uniqueRunner('switch')
    const dirs = workDir()
    const on = (node: string): { env: Record<string, string>; node: string } => ({
      env: tmp.env,
      node
    })
    const prepared = await runHook(
      'prepare_job',
      { container: jobContainer(dirs.work), services: [] },
      null,
      runner,
      on(NODE20)
    )
    expect(prepared.errors).toEqual([])
    let state = prepared.response!.state!
    try {
      for (const [i, node] of [NODE20, NODE24, NODE20, NODE24].entries()) {
        writeFileSync(
          join(dirs.temp, `${i}.sh`),
          `echo "step ${i} on the job's container"\nexit ${i}\n`
        )
        const step = await runHook(
          'run_script_step',
          script(['-e', `/__w/_temp/${i}.sh`]),
          state,
          runner,
          on(node)
        )
        expect(step.stdout).toContain(`step ${i} on the job's container`)
        expect(step.code).toBe(i)
        if (step.response?.state) state = step.response.state
      }
      expect(tmp.cacheFiles()).toHaveLength(2)
    } finally {
      await runHook('cleanup_job', {}, state, runner, on(NODE24))
    }
    expect(await leftovers(runner)).toEqual([])
  })
})

/** `process.version` of `node`, e.g. v20.19.5. */
function versionOf(node: string): string {
  return execFileSync(node, ['-p', 'process.version'], { encoding: 'utf8' }).trim()
}
