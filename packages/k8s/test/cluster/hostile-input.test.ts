/*
 * Issue #19: ≥ 300 seeded malformed inputs through the bundled hook against the local cluster,
 * as the minimal-Role account. Each fails fast (exit ≠ 0, one ::error:: line naming the field,
 * no stack trace, < 10 s), a cleanup_job given a state that is not ours still cleans up, and
 * no pod or secret is left behind.
 */
import { join } from 'node:path'
import { hostileInputs, type ValidInputs } from '../../../hooklib/test/fixtures/hostile-inputs'
import { fuzzSeed, responseFile, runHostileCases } from '../../../hooklib/test/fixtures/hostile-run'
import * as payloads from '../../../hooklib/test/fixtures/payloads'
import { BUNDLE, HOOK_NODE, runHook } from '../helpers/hook'
import { expectNothingLeft, useClusterJob } from '../helpers/pods'

const job = useClusterJob()

function validInputs(file: string): ValidInputs {
  const savedState = {
    pod: `${job.c.env.runnerPod}-workflow`,
    namespace: job.c.env.namespace,
    storage: 'volume',
    workDir: job.work.root,
    jobContainer: 'job',
    services: ['redis'],
    secret: `${job.c.env.runnerPod}-pull`
  }
  const inputs = {
    prepareJob: payloads.prepareJob(file),
    runScriptStep: { ...payloads.runScriptStep(file), state: savedState },
    runContainerStep: { ...payloads.runContainerStep(file), state: savedState },
    cleanupJob: { ...payloads.cleanupJob(file), state: savedState }
  }
  // The runner's _work is the claim's folder here: mounts outside it are refused, rightly.
  const text = JSON.stringify(inputs).replaceAll('/home/runner/_work', job.work.root)
  return JSON.parse(text) as ValidInputs
}

describe('hostile input (seeded fuzz)', () => {
  test('every malformed input fails fast and clean, and nothing is left behind', async () => {
    const response = responseFile()
    try {
      const cases = hostileInputs(validInputs(response.path), fuzzSeed())
      expect(cases.length).toBeGreaterThanOrEqual(300)
      const env = { ...process.env, RUNNER_WORKSPACE: join(job.work.root, 'repo') }
      expect(await runHostileCases({ node: HOOK_NODE, bundle: BUNDLE, env }, cases)).toEqual([])
    } finally {
      await runHook('cleanup_job', {}, null, job.work)
      response.remove()
    }
    await expectNothingLeft(job.c)
  }, 600_000)
})
