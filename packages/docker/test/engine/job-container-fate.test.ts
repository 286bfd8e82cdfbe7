/** The job container killed under a step: one `::error::` line naming the cause. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HookState } from '@container-hooks/hooklib'
import { docker, runHook, uniqueRunner, until, withJob } from '../support/hook'
import { jobContainer, script, workDir } from '../support/inputs'

interface Job {
  state: HookState
  id: string
  runner: string
}

/** A job in a fresh container with `script` as /__w/_temp/step.sh, cleaned up after `fn`. */
async function inJob(script: string, options: string | null, fn: (job: Job) => Promise<void>) {
  const dirs = workDir()
  writeFileSync(join(dirs.temp, 'step.sh'), script)
  const runner = uniqueRunner('fate')
  const args = { container: jobContainer(dirs.work, { createOptions: options }), services: [] }
  await withJob(args, runner, async prepared => {
    expect(prepared.errors).toEqual([])
    const id = (prepared.response as { context: { container: { id: string } } }).context.container
      .id
    await fn({ state: prepared.response!.state!, id, runner })
  })
}

const step = script(['-e', '/__w/_temp/step.sh'])

describe('run_script_step when the job container is killed under the step', () => {
  it('names an OOM kill and the memory limit, with exit code 137', async () => {
    await inJob('tail -c 200000000 /dev/zero\n', '--memory 32m --memory-swap 32m', async job => {
      const run = await runHook('run_script_step', step, job.state, job.runner)
      expect(run.code).toBe(137)
      expect(run.errors).toEqual([
        "::error::The step was killed for lack of memory (OOM-killed, exit code 137): the job container's memory limit is 32 MiB (options: --memory)"
      ])
    })
  })

  it.each([
    [
      'removed',
      (id: string) => docker.getContainer(id).remove({ force: true }),
      /^::error::The job container was removed while the step ran/
    ],
    [
      'stopped',
      (id: string) => docker.getContainer(id).kill(),
      /^::error::The job container stopped while the step ran \(exited/
    ]
  ])('names a job container %s by someone else', async (_how, stop, message) => {
    await inJob('echo started\nsleep 30\n', null, async job => {
      const run = await runHook('run_script_step', step, job.state, job.runner, {
        during: async stdout => {
          await until(() => Promise.resolve(stdout().includes('started')), 20_000)
          await stop(job.id)
        }
      })
      expect(run.code).not.toBe(0)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toMatch(message)
    })
  })
})
