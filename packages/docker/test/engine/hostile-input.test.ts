/*
 * Issue #19: ≥ 300 seeded malformed inputs through the bundled hook against the real engine.
 * Each fails fast (exit ≠ 0, one ::error:: line naming the field, no stack trace, < 10 s), a
 * cleanup_job given a state that is not ours still cleans up, and nothing is left behind.
 */
import { hostileInputs, type ValidInputs } from '../../../hooklib/test/fixtures/hostile-inputs'
import { fuzzSeed, responseFile, runHostileCases } from '../../../hooklib/test/fixtures/hostile-run'
import * as payloads from '../../../hooklib/test/fixtures/payloads'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { INPUT_LIMITS } from '@container-hooks/hooklib'
import { BUNDLE, hookNode, leftovers, runHook, uniqueRunner, withJob } from '../support/hook'
import { jobContainer, script, workDir } from '../support/inputs'

const savedState = {
  docker: 1,
  jobId: '0123456789ab',
  network: { name: 'github_network_0123456789ab', owned: true },
  container: { id: 'c0ffee', image: 'node:20-bookworm', path: null },
  services: [{ id: 'beef', alias: 'redis', image: 'redis:7' }]
}

function validInputs(file: string): ValidInputs {
  return {
    prepareJob: payloads.prepareJob(file),
    runScriptStep: { ...payloads.runScriptStep(file), state: savedState },
    runContainerStep: { ...payloads.runContainerStep(file), state: savedState },
    cleanupJob: { ...payloads.cleanupJob(file), state: savedState }
  } as unknown as ValidInputs
}

describe('hostile input (seeded fuzz)', () => {
  it('every malformed input fails fast and clean, and nothing is left behind', async () => {
    const runner = uniqueRunner('hostile')
    const response = responseFile()
    try {
      const cases = hostileInputs(validInputs(response.path), fuzzSeed())
      expect(cases.length).toBeGreaterThanOrEqual(300)
      const hook = {
        node: hookNode(),
        bundle: BUNDLE,
        env: { ...process.env, RUNNER_NAME: runner }
      }
      expect(await runHostileCases(hook, cases)).toEqual([])
    } finally {
      await runHook('cleanup_job', {}, null, runner)
      response.remove()
    }
    expect(await leftovers(runner)).toEqual([])
  }, 600_000)
})

describe('the largest input the bounds allow', () => {
  it('runs: a job container and a script step with arguments and env up to the limits', async () => {
    const runner = uniqueRunner('largest')
    const { work, temp } = workDir()
    writeFileSync(join(temp, 'lengths.sh'), 'echo "${#BIG_7} ${#1}"\n')
    // Eight values of 110 KB and one argument of 128 KiB: just under the 1 MiB bound together.
    const env = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`BIG_${i}`, String(i).repeat(110_000)])
    )
    const arg = 'a'.repeat(INPUT_LIMITS.argument - 64)
    await withJob(
      { container: jobContainer(work, { environmentVariables: env }), services: [] },
      runner,
      async prepared => {
        expect(prepared.errors).toEqual([])
        const step = await runHook(
          'run_script_step',
          script(['-e', '/__w/_temp/lengths.sh', arg], { environmentVariables: env }),
          prepared.response!.state!,
          runner
        )
        expect(step.errors).toEqual([])
        expect(step.code).toBe(0)
        expect(step.stdout).toContain(`110000 ${arg.length}`)
      }
    )
  }, 120_000)
})
