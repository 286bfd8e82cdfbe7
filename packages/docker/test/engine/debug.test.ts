// Debugging a failing step in place on a real engine: diagnostics from a throwaway container in
// the job container's PID and network namespaces, a debug image that cannot be had, and the hold
// of a failed job. The job image has no busybox and no `ps` (container-hooks-test/minimal:1).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HookState } from '@container-hooks/hooklib'
import { docker, leftovers, runHook, uniqueRunner, type HookRun } from '../support/hook'
import { BUSYBOX, jobContainer, script, workDir } from '../support/inputs'

const MINIMAL = 'container-hooks-test/minimal:1'
const DEBUG = {
  ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG: 'on-failure',
  ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG_IMAGE: BUSYBOX
}

const warnings = (stdout: string): string[] =>
  stdout.split('\n').filter(l => l.startsWith('::warning::'))

async function debugContainers(runner: string): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`org.container-hooks.runner=${runner}`, 'org.container-hooks.role=debug'] }
  })
  return list.map(c => c.Names[0])
}

describe('debugging a failed step', () => {
  const runner = uniqueRunner('debug')
  const dirs = workDir()
  let state: HookState

  function step(name: string, body: string) {
    writeFileSync(join(dirs.temp, name), body)
    return script(['-e', `/__w/_temp/${name}`])
  }

  beforeAll(async () => {
    const prepared = await runHook(
      'prepare_job',
      { container: jobContainer(dirs.work, { image: MINIMAL }), services: [] },
      null,
      runner
    )
    expect(prepared.errors).toEqual([])
    state = prepared.response!.state!
  })

  afterAll(async () => {
    await runHook('cleanup_job', {}, state, runner)
    expect(await leftovers(runner)).toEqual([])
  })

  it('keeps the exit code and shows the job container’s processes, from /proc', async () => {
    const run = await runHook(
      'run_script_step',
      step('fail.sh', 'echo about to fail\nexit 7\n'),
      state,
      runner,
      {
        env: DEBUG
      }
    )
    expect(run.code).toBe(7)
    expect(run.stdout).toContain('about to fail')
    expect(run.stdout).toMatch(
      /::group::Diagnostics of the failed step \(exit code 7\): container ch-[0-9a-f]{12}-debug-[0-9a-f]{6}\n/
    )
    const group = run.stdout.slice(run.stdout.indexOf('::group::Diagnostics'))
    expect(group).toMatch(/container ch-[0-9a-f]{12}-job: running since/)
    expect(group).toContain('OOM: no container of the job was OOM-killed')
    // PID 1 of the job container: the keep-alive `tail`, here a script of the image's static sh.
    expect(group).toMatch(/\n +1 +0 +sleeping +\d+kB +\/bin\/sh \/usr\/bin\/tail -f \/dev\/null\n/)
    expect(group).toMatch(/\\_ \/bin\/sh \/bin\/sleep 3600\n/)
    expect(group).toContain('### Working directory of the step: /__w')
    expect(group).toContain('_temp')
    expect(group).toContain('::endgroup::')
    expect(warnings(run.stdout)).toEqual([])
    expect(run.errors).toEqual(['::error::The step exited with code 7'])
    expect(await debugContainers(runner)).toEqual([])
  })

  it('shows nothing for a passing step when debugging is on failure only', async () => {
    const run = await runHook('run_script_step', step('ok.sh', 'echo fine\n'), state, runner, {
      env: DEBUG
    })
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('Diagnostics')
    expect(warnings(run.stdout)).toEqual([])
  })

  it('a debug image that cannot be had is one warning; the exit code stays', async () => {
    const run = await runHook('run_script_step', step('fail2.sh', 'exit 4\n'), state, runner, {
      env: {
        ...DEBUG,
        ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG_IMAGE: 'container-hooks-test/nope:1'
      }
    })
    expect(run.code).toBe(4)
    const warned = warnings(run.stdout)
    expect(warned).toHaveLength(1)
    expect(warned[0]).toContain('container-hooks-test/nope:1')
    expect(run.errors).toEqual(['::error::The step exited with code 4'])
    expect(await debugContainers(runner)).toEqual([])
  })
})

const HOLD_ENV = { ...DEBUG, ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG_HOLD_SECONDS: '600' }

/** A job in the minimal image whose one step failed with `code`, held for 600 s. */
async function heldJob(runner: string, code: number): Promise<{ state: HookState; run: HookRun }> {
  const dirs = workDir()
  const prepared = await runHook(
    'prepare_job',
    { container: jobContainer(dirs.work, { image: MINIMAL }), services: [] },
    null,
    runner
  )
  const state = prepared.response!.state!
  writeFileSync(join(dirs.temp, 'fail.sh'), `exit ${code}\n`)
  const step = script(['-e', '/__w/_temp/fail.sh'])
  const run = await runHook('run_script_step', step, state, runner, { env: HOLD_ENV })
  expect(run.code).toBe(code)
  expect(warnings(run.stdout)).toEqual([])
  return { state, run }
}

it('holds a failed job until the marker is removed', async () => {
  const runner = uniqueRunner('hold')
  const { state, run } = await heldJob(runner, 3)
  const marker = /docker rm (ch-[0-9a-f]{12}-hold)\n/.exec(run.stdout)![1]
  expect(run.stdout).toMatch(
    /docker run --rm -it --pid container:(ch-\S+-job) --network container:\1 --volumes-from \1 /
  )
  const started = Date.now()
  const cleanup = runHook('cleanup_job', {}, state, runner, { env: HOLD_ENV })
  await new Promise(resolve => setTimeout(resolve, 4_000))
  // Still held: the job container is there.
  expect((await leftovers(runner)).some(l => l.endsWith('-job'))).toBe(true)
  await docker.getContainer(marker).remove()
  const done = await cleanup
  expect(done.code).toBe(0)
  expect(Date.now() - started).toBeLessThan(60_000)
  expect(done.stdout).toContain('Keeping the job')
  expect(done.stdout).toContain('The job was released')
  expect(await leftovers(runner)).toEqual([])
})

it('a cancelled cleanup_job ends the hold and still cleans up', async () => {
  const runner = uniqueRunner('hold-cancel')
  const { state } = await heldJob(runner, 2)
  const started = Date.now()
  const done = await runHook('cleanup_job', {}, state, runner, {
    env: HOLD_ENV,
    cancelAfterMs: 3_000
  })
  expect(Date.now() - started).toBeLessThan(30_000)
  expect(done.stdout).toContain('The job was cancelled: ending the hold')
  expect(done.code).toBe(130)
  expect(await leftovers(runner)).toEqual([])
})
