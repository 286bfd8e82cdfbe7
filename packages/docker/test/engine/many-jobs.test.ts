/**
 * 100 jobs in a row, each: prepare_job, a script step, cleanup_job (every tenth also builds a
 * Dockerfile action). The handlers run in-process against the real engine: spawning Node four
 * times per job would make this one test take minutes; the bundle itself is covered elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createLogger,
  type Command,
  type HookContext,
  type HookState
} from '@container-hooks/hooklib'
import { cleanupJob } from '../../src/commands/cleanup-job'
import { prepareJob } from '../../src/commands/prepare-job'
import { runContainerStep } from '../../src/commands/run-container-step'
import { runScriptStep } from '../../src/commands/run-script-step'
import { leftovers, uniqueRunner } from '../support/hook'
import { BUSYBOX, container, jobContainer, script, workDir } from '../support/inputs'

const JOBS = 100

describe(`${JOBS} jobs in a row`, () => {
  it('leave no container, network or image behind', async () => {
    const runner = uniqueRunner('many')
    const dirs = workDir()
    const action = join(dirs.work, '_actions/owner/repo/v1')
    mkdirSync(action, { recursive: true })
    writeFileSync(join(action, 'Dockerfile'), `FROM ${BUSYBOX}\nENTRYPOINT ["true"]\n`)
    let log = ''
    const ctx = (command: Command, state: HookState | null): HookContext => ({
      command,
      state,
      responseFile: join(dirs.temp, 'unused.json'),
      signal: new AbortController().signal,
      log: createLogger({ write: text => (log += text), debug: false }),
      env: { ...process.env, RUNNER_NAME: runner }
    })
    for (let i = 0; i < JOBS; i++) {
      const { state } = await prepareJob(
        { container: jobContainer(dirs.work), services: [] },
        ctx('prepare_job', null)
      )
      await runScriptStep(script(['-c', 'true']), ctx('run_script_step', state!))
      if (i % 10 === 0) {
        await runContainerStep(
          container(null, { dockerfile: join(action, 'Dockerfile') }),
          ctx('run_container_step', state!)
        )
      }
      await cleanupJob({}, ctx('cleanup_job', state!))
      expect(await leftovers(runner)).toEqual([])
    }
    expect(log).not.toContain('::error::')
  }, 360000)
})
