/**
 * 100 jobs in a row through the BUNDLE under the runner's Node (support/hook.ts), as the runner
 * runs them: each has a job container with an anonymous volume and a service, runs a script step,
 * every fifth job a container step (alternately a `docker://` image and a Dockerfile action),
 * then cleanup_job. Afterwards no container, network, image or volume of the runner may be left.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command, HookState } from '@container-hooks/hooklib'
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
// A hook run that takes this long hangs (one takes ~0.5 s); the loop as a whole stops, with the
// slowest runs named, before jest's timeout would end it without saying where the time went.
const RUN_LIMIT_MS = 120_000
const BUDGET_MS = 570_000

/** How long each hook run took, so a slow or stuck loop says which runs were slow. */
class Timings {
  private readonly runs: { what: string; ms: number }[] = []
  private readonly started = Date.now()

  async run(what: string, call: () => Promise<HookRun>): Promise<HookRun> {
    const t0 = Date.now()
    const run = await call()
    this.runs.push({ what, ms: Date.now() - t0 })
    if (run.code !== 0 || run.errors.length > 0)
      throw new Error(`${what} failed (${run.code}):\n${run.stdout}${run.stderr}\n${this.report()}`)
    return run
  }

  checkBudget(jobsDone: number): void {
    if (Date.now() - this.started > BUDGET_MS)
      throw new Error(`only ${jobsDone} of ${JOBS} jobs within ${BUDGET_MS} ms\n${this.report()}`)
  }

  private report(): string {
    const total = this.runs.reduce((sum, r) => sum + r.ms, 0)
    const slowest = [...this.runs].sort((a, b) => b.ms - a.ms).slice(0, 10)
    return `${this.runs.length} hook runs took ${total} ms in all; the slowest: ${slowest.map(r => `${r.what} ${r.ms} ms`).join(', ')}`
  }
}

describe(`${JOBS} jobs in a row through the bundle`, () => {
  it(
    'leave no container, network, image or volume behind',
    async () => {
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
      const timings = new Timings()
      const hook = (what: string, command: Command, input: unknown, state: HookState | null) =>
        timings.run(what, () =>
          runHook(command, input, state, runner, { killAfterMs: RUN_LIMIT_MS })
        )
      for (let i = 0; i < JOBS; i++) {
        timings.checkBudget(i)
        const prepared = await hook(`job ${i} prepare_job`, 'prepare_job', args, null)
        const state = prepared.response!.state!
        const id = (prepared.response as { context: { container: { id: string } } }).context
          .container.id
        anonymous.push(...(await anonymousVolumes(id)))
        await hook(`job ${i} step`, 'run_script_step', script(['-c', 'true']), state)
        if (i % 5 === 0) {
          const step = steps[(i / 5) % 2]
          await hook(`job ${i} container step`, 'run_container_step', step, state)
        }
        await hook(`job ${i} cleanup_job`, 'cleanup_job', {}, state)
        expect(await leftovers(runner)).toEqual([])
      }
      expect(anonymous).toHaveLength(JOBS)
      expect(await existingVolumes(anonymous)).toEqual([])
    },
    BUDGET_MS + 2 * RUN_LIMIT_MS
  )
})
