// Every core feature under EXACTLY actions-runner-controller's Role (no watch, events,
// persistentvolumeclaims or pods/ephemeralcontainers): job pod + services, script and container
// steps, cleanup, in volume mode (the runner's claim, whose access modes the Role cannot read)
// and copy mode (a runner pod without a work volume, as in kubernetes-novolume). No 403 fails a
// job; each missing optional rule gives one notice.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/arc-role.test.ts
import type { HookState, PrepareJobResponse } from '@container-hooks/hooklib'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { busybox } from '../helpers/containers'
import { containerStep, stepFileCommand } from '../helpers/container-step'
import {
  expectSuccess,
  prepareWithServices,
  runHook,
  scriptStep,
  workLayout,
  type HookRun,
  type Work
} from '../helpers/hook'
import { expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'
import { arcKubeconfig } from '../helpers/restricted-account'

jest.setTimeout(240_000)

const ACTION = 'container-hooks-test/action:1'
const UNHEALTHY = 'container-hooks-test/unhealthy:1'
const job = useClusterJob()

const lines = (run: HookRun, command: string): string[] =>
  run.stdout.split('\n').filter(l => l.startsWith(`::${command}::`))

function expectNoRefusal(run: HookRun): void {
  expect(run.stdout).not.toMatch(/refused|HTTP 403/)
}

let arcEnv: Record<string, string>

beforeAll(async () => {
  arcEnv = { KUBECONFIG: await arcKubeconfig(job.c) }
})

describe.each([
  ['volume', () => job.c.env.runnerPod],
  ['copy', () => process.env.HOOKS_K8S_COPY_RUNNER_POD ?? '']
])('%s mode', (mode, runnerPod) => {
  let work: Work
  let env: Record<string, string>
  let state: HookState

  beforeAll(() => {
    if (!runnerPod())
      throw new Error('HOOKS_K8S_COPY_RUNNER_POD is not set: eval "$(scripts/k8s/env)"')
    // The copy runner's claim-less pod: _work is a host folder the job pod cannot see.
    work = mode === 'copy' ? workLayout(mkdtempSync(join(tmpdir(), 'arc-copy-'))) : job.work
    env = { ...arcEnv, ACTIONS_RUNNER_POD_NAME: runnerPod() }
  })

  afterAll(async () => {
    await runHook('cleanup_job', {}, null, work, env)
  })

  test('prepare_job: job pod with a service, the mode detected from the runner pod', async () => {
    const run = expectSuccess(
      await prepareWithServices(
        work,
        [busybox({ image: 'container-hooks-test/service:1', portMappings: ['8080'] })],
        env
      )
    )
    expectNoRefusal(run)
    state = (run.response as PrepareJobResponse).state!
    expect(state.storage).toBe(mode)
    const pod = await readPod(job.c, state.pod as string)
    expect(pod.spec!.containers.map(c => c.name)).toEqual(['job', 'service', 'externals'])
    if (mode === 'volume') {
      // The claim cannot be read: taken as ReadWriteOnce, pinned to the runner's node, one notice.
      expect(pod.spec!.nodeName).toBe(job.c.env.nodeName)
      const notices = lines(run, 'notice')
      expect(notices).toHaveLength(1)
      expect(notices[0]).toContain('resources: [persistentvolumeclaims], verbs: [get]')
    } else {
      expect(lines(run, 'notice')).toEqual([])
    }
  })

  test('a script step runs and its workspace changes reach the host', async () => {
    writeFileSync(join(work.repo, 'in.txt'), 'from host\n')
    const run = expectSuccess(
      await runHook(
        'run_script_step',
        scriptStep(work, 'cat in.txt; echo made > made.txt'),
        state,
        work,
        env
      )
    )
    expectNoRefusal(run)
    expect(run.stdout).toContain('from host')
    expect(readFileSync(join(work.repo, 'made.txt'), 'utf8')).toBe('made\n')
  })

  test('a container step runs in its own pod, reaches the service, writes its outputs', async () => {
    const step = containerStep(work, {
      image: ACTION,
      entryPoint: 'sh',
      entryPointArgs: ['-c', '"wget -q -O - http://service:8080/; echo x=1 >> $GITHUB_OUTPUT"']
    })
    const run = expectSuccess(await runHook('run_container_step', step, state, work, env))
    expectNoRefusal(run)
    expect(run.stdout).toContain('container-hooks-test service')
    expect(stepFileCommand(work, step, 'GITHUB_OUTPUT')).toBe('x=1\n')
  })

  test('cleanup_job removes everything', async () => {
    const run = expectSuccess(await runHook('cleanup_job', {}, state, work, env))
    expectNoRefusal(run)
    await expectNothingLeft(job.c, 60_000, runnerPod())
  })
})

test('an unhealthy service: the job fails for its own reason, events give one notice', async () => {
  const run = await prepareWithServices(
    job.work,
    [
      busybox({
        image: UNHEALTHY,
        createOptions: '--health-cmd "exit 1" --health-interval 1s --health-retries 2'
      })
    ],
    arcEnv
  )
  expect(run.code).toBe(1)
  expect(lines(run, 'error')).toHaveLength(1)
  expect(lines(run, 'error')[0]).toContain(`The service "unhealthy" (${UNHEALTHY})`)
  const notices = lines(run, 'notice').filter(n => n.includes('"events"'))
  expect(notices).toHaveLength(1)
  expect(notices[0]).toContain('resources: [events], verbs: [list]')
  expectNoRefusal(run)
  await expectNothingLeft(job.c)
})

test('debug diagnostics on failed steps: their own exit codes, one notice per rule for the job', async () => {
  const debug = {
    ...arcEnv,
    ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG: 'on-failure',
    ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_IMAGE: 'container-hooks-test/busybox:1'
  }
  const prepared = expectSuccess(await prepareWithServices(job.work, [], arcEnv))
  const state = (prepared.response as PrepareJobResponse).state!
  try {
    const runs: HookRun[] = []
    // Each step is its own hook run: the job pod remembers what the first one told.
    for (const code of [5, 6]) {
      const run = await runHook(
        'run_script_step',
        scriptStep(job.work, `exit ${code}`),
        state,
        job.work,
        debug
      )
      expect(run.code).toBe(code)
      expect(run.stdout).toContain(`::error::The step failed with exit code ${code}`)
      expect(lines(run, 'warning').join('\n')).toContain(
        'the debug container needs "patch" on "pods/ephemeralcontainers"'
      )
      runs.push(run)
    }
    const notices = runs.flatMap(run => lines(run, 'notice'))
    expect(notices.filter(n => n.includes('ephemeralcontainers'))).toHaveLength(1)
    expect(notices.filter(n => n.includes('"events"'))).toHaveLength(1)
  } finally {
    expectSuccess(await runHook('cleanup_job', {}, state, job.work, arcEnv))
  }
})
