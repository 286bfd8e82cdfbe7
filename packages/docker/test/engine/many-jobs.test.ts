/**
 * 100 jobs in a row through the BUNDLE under Node 24, as the runner runs them: each has a job
 * container with an anonymous volume and a service, runs a script step, every fifth job a
 * container step (alternately a `docker://` image and a Dockerfile action), then cleanup_job.
 * Afterwards no container, network, image or volume of the runner may be left.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  anonymousVolumes,
  existingVolumes,
  leftovers,
  runHook,
  uniqueRunner,
  type HookRun
} from '../support/hook'
import { BUSYBOX, container, jobContainer, script, workDir } from '../support/inputs'

const JOBS = 100

function ok(run: HookRun, what: string): HookRun {
  if (run.code !== 0 || run.errors.length > 0)
    throw new Error(`${what} failed (${run.code}):\n${run.stdout}${run.stderr}`)
  return run
}

describe(`${JOBS} jobs in a row through the bundle`, () => {
  it('leave no container, network, image or volume behind', async () => {
    const runner = uniqueRunner('many')
    const dirs = workDir()
    const action = join(dirs.work, '_actions/owner/repo/v1')
    mkdirSync(action, { recursive: true })
    writeFileSync(join(action, 'Dockerfile'), `FROM ${BUSYBOX}\nENTRYPOINT ["true"]\n`)
    const args = {
      container: jobContainer(dirs.work, {
        userMountVolumes: [
          {
            userProvidedValue: '/cache',
            sourceVolumePath: null,
            targetVolumePath: '/cache',
            readOnly: false
          }
        ]
      }),
      services: [container(BUSYBOX, { entryPoint: 'tail', entryPointArgs: ['-f', '/dev/null'] })]
    }
    const steps = [
      container(null, { dockerfile: join(action, 'Dockerfile') }),
      container(BUSYBOX, { entryPoint: 'true' })
    ]
    const anonymous: string[] = []
    for (let i = 0; i < JOBS; i++) {
      const prepared = ok(await runHook('prepare_job', args, null, runner), `job ${i} prepare_job`)
      const state = prepared.response!.state!
      const id = (prepared.response as { context: { container: { id: string } } }).context.container
        .id
      anonymous.push(...(await anonymousVolumes(id)))
      ok(await runHook('run_script_step', script(['-c', 'true']), state, runner), `job ${i} step`)
      if (i % 5 === 0) {
        const step = steps[(i / 5) % 2]
        ok(await runHook('run_container_step', step, state, runner), `job ${i} container step`)
      }
      ok(await runHook('cleanup_job', {}, state, runner), `job ${i} cleanup_job`)
      expect(await leftovers(runner)).toEqual([])
    }
    expect(anonymous).toHaveLength(JOBS)
    expect(await existingVolumes(anonymous)).toEqual([])
  }, 600000)
})
