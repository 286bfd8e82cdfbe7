// Debugging a failing step in place: diagnostics from an ephemeral container, a missing
// permission, and the hold of a failed job's pod. Real cluster, minimal Role, bundled hook.
// The job image has no busybox and no `ps` (container-hooks-test/minimal:1, scripts/images).
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/debug.test.ts
import * as k8s from '@kubernetes/client-node'
import type { HookState } from '@container-hooks/hooklib'
import { BUSYBOX } from '../helpers/containers'
import {
  expectSuccess,
  prepareJob,
  runHook,
  scriptStep,
  startHook,
  type HookRun
} from '../helpers/hook'
import { expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'
import { restrictedKubeconfig } from '../helpers/restricted-account'
import { execInPod, waitFor } from '../support/cluster'

jest.setTimeout(240_000)

const MINIMAL = 'container-hooks-test/minimal:1'
const DEBUG = {
  ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG: 'on-failure',
  ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_IMAGE: BUSYBOX
}
const HOLD = 'container-hooks.github.io/hold-until'
const RELEASE = 'container-hooks.github.io/release'

const job = useClusterJob()

async function minimalJob(env: NodeJS.ProcessEnv = {}): Promise<{ state: HookState; pod: string }> {
  const prepared = await prepareJob(job.work, { image: MINIMAL }, env)
  return { state: prepared.state, pod: prepared.state.pod as string }
}

function runStep(state: HookState, script: string, env: NodeJS.ProcessEnv): Promise<HookRun> {
  return runHook('run_script_step', scriptStep(job.work, script), state, job.work, env)
}

const warnings = (stdout: string): string[] =>
  stdout.split('\n').filter(l => l.startsWith('::warning::'))

describe('diagnostics on failure', () => {
  let state: HookState
  let pod: string

  beforeAll(async () => {
    ;({ state, pod } = await minimalJob())
  })
  afterAll(async () => {
    expectSuccess(await runHook('cleanup_job', {}, state, job.work))
  })

  test('the job image really has no ps', async () => {
    const found = await execInPod(job.c.kc, job.c.env.namespace, pod, 'job', [
      'sh',
      '-c',
      'command -v ps busybox'
    ])
    expect(found.exitCode).not.toBe(0)
  })

  test('a failing step keeps its exit code and shows the job’s processes, from /proc', async () => {
    const step = scriptStep(job.work, 'echo about to fail\nexit 7\n')
    const run = await runHook('run_script_step', step, state, job.work, DEBUG)
    expect(run.code).toBe(7)
    expect(run.stdout).toContain('about to fail')
    expect(run.stdout).toMatch(
      /::group::Diagnostics of the failed step \(exit code 7\): pod \S+, ephemeral container debug-[0-9a-f]{6}\n/
    )
    const group = run.stdout.slice(run.stdout.indexOf('::group::Diagnostics'))
    expect(group).toContain('container job: running since')
    // The job container's keep-alive (PID 1 of its namespace) and its sleep, drawn as a tree.
    expect(group).toMatch(/\n +1 +0 +sleeping +\d+kB +sh -c trap "exit 0" TERM INT; while :;/)
    expect(group).toMatch(/\n +\d+ +1 +sleeping +\d+kB +\\_ \/bin\/sh \/bin\/sleep 3600\n/)
    expect(group).toContain('### Working directory of the step: /__w/repo/repo')
    expect(group).toContain('### Disk use of /__w')
    expect(group).toContain('### Listening TCP ports')
    expect(group).toContain('::endgroup::')
    expect(warnings(run.stdout)).toEqual([])
    expect(run.stdout).toContain('::error::The step failed with exit code 7')
    // The ephemeral container stays in the pod (it cannot be removed), stopped.
    const statuses = (await readPod(job.c, pod)).status?.ephemeralContainerStatuses ?? []
    expect(statuses.map(s => s.state?.terminated?.exitCode)).toEqual([0])
  })

  test('a passing step shows nothing when debugging is on failure only', async () => {
    const run = await runStep(state, 'echo fine\n', DEBUG)
    expect(run.code).toBe(0)
    expect(run.stdout).not.toContain('Diagnostics')
    expect(warnings(run.stdout)).toEqual([])
  })
})

test('without pods/ephemeralcontainers in the Role: one warning, the step’s own exit code', async () => {
  const kubeconfig = await restrictedKubeconfig(job.c, 'hook-no-debug', [
    'pods/ephemeralcontainers'
  ])
  const env = { KUBECONFIG: kubeconfig }
  const { state } = await minimalJob(env)
  try {
    const run = await runStep(state, 'exit 5\n', {
      ...env,
      ...DEBUG
    })
    expect(run.code).toBe(5)
    const warned = warnings(run.stdout)
    expect(warned).toHaveLength(1)
    expect(warned[0]).toContain('the debug container needs "patch" on "pods/ephemeralcontainers"')
    const notices = run.stdout.split('\n').filter(l => l.startsWith('::notice::'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain('resources: [pods/ephemeralcontainers], verbs: [get, patch]')
    expect(run.stdout).toContain('::error::The step failed with exit code 5')
  } finally {
    expectSuccess(await runHook('cleanup_job', {}, state, job.work, env))
  }
})

test('a held pod is kept after a failure until the release annotation', async () => {
  const env = { ...DEBUG, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_HOLD_SECONDS: '600' }
  const { state, pod } = await minimalJob()
  const ns = job.c.env.namespace
  const run = await runStep(state, 'exit 3\n', env)
  expect(run.code).toBe(3)
  expect(run.stdout).toContain(
    `kubectl -n ${ns} debug -it ${pod} --image=${BUSYBOX} --target=job -- sh`
  )
  expect(run.stdout).toContain(`kubectl -n ${ns} exec -it ${pod} -c job -- sh`)
  expect(run.stdout).toContain(`kubectl -n ${ns} annotate pod ${pod} ${RELEASE}=true`)
  expect(warnings(run.stdout)).toEqual([])
  const until = Date.parse((await readPod(job.c, pod)).metadata!.annotations![HOLD])
  expect(until - Date.now()).toBeGreaterThan(500_000)

  const cleanup = startHook('cleanup_job', {}, state, job.work, env)
  let output = ''
  cleanup.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitFor('cleanup_job to hold the pod', 60_000, () =>
    Promise.resolve(output.includes(`Keeping job pod ${pod} for debugging`) ? true : undefined)
  )
  await new Promise(resolve => setTimeout(resolve, 2_000))
  expect((await readPod(job.c, pod)).metadata?.deletionTimestamp).toBeUndefined()
  const released = Date.now()
  await job.c.core.patchNamespacedPod(
    { name: pod, namespace: ns, body: { metadata: { annotations: { [RELEASE]: 'true' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
  )
  const done = expectSuccess(await cleanup.done)
  expect(Date.now() - released).toBeLessThan(30_000)
  expect(done.stdout).toContain(`Job pod ${pod} was released`)
  await expectNothingLeft(job.c)
})
