// The job's step helper (src/step-helper): prepare_job starts it, script steps run through it,
// cleanup_job stops it; a step runs the same without it, and a hook process killed mid-step
// has the helper stop the step in the pod. Real cluster, minimal Role, the bundled hook.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/step-helper.test.ts
import { existsSync } from 'node:fs'
import { socketPath } from '../../src/step-helper/socket-path'
import {
  expectSuccess,
  fileCommand,
  helperPids,
  jobContainer,
  prepareJob,
  runHook,
  runnerNode,
  scriptStep
} from '../helpers/hook'
import { startSleepingStep, useClusterJob } from '../helpers/pods'
import { waitFor } from '../support/cluster'

jest.setTimeout(180_000)

const job = useClusterJob()
const DEBUG = { RUNNER_DEBUG: '1' }
const ranByHelper = /::debug::Run by the job's step helper \(pid (\d+)\)/

function jobPods(): string {
  return `${job.c.env.runnerPod}-job-`
}

async function helperListening(pod: string): Promise<number> {
  return waitFor(`the step helper of ${pod} to listen`, 30_000, () => {
    const pids = helperPids(pod)
    return Promise.resolve(pids.length === 1 && existsSync(socketPath(pod)!) ? pids[0] : undefined)
  })
}

async function helperGone(pod: string): Promise<void> {
  await waitFor(`the step helper of ${pod} to exit`, 10_000, () =>
    Promise.resolve(
      helperPids(pod).length === 0 && !existsSync(socketPath(pod)!) ? true : undefined
    )
  )
}

// A helper that cleanup_job stopped exits once the step it may still be cancelling is done.
afterEach(async () => {
  await runHook('cleanup_job', {}, null, job.work)
  await waitFor('no step helper left', 15_000, () =>
    Promise.resolve(helperPids(jobPods()).length === 0 ? true : undefined)
  )
})

test('prepare_job starts the helper, steps run through it, cleanup_job stops it', async () => {
  const { state } = await prepareJob(job.work)
  const pod = state.pod as string
  const pid = await helperListening(pod)

  const step = scriptStep(
    job.work,
    'echo "answer=42" >> "$GITHUB_OUTPUT"; echo to-stderr >&2; echo hello'
  )
  const run = expectSuccess(await runHook('run_script_step', step, state, job.work, DEBUG))
  expect(ranByHelper.exec(run.stdout)?.[1]).toBe(String(pid))
  expect(run.stdout).toContain('hello\n')
  expect(fileCommand(job.work, step, 'GITHUB_OUTPUT')).toBe('answer=42\n')

  const failed = await runHook('run_script_step', scriptStep(job.work, 'exit 3'), state, job.work)
  expect(failed.code).toBe(3)
  expect(failed.stdout).toContain('::error::The step failed with exit code 3')

  expectSuccess(await runHook('cleanup_job', {}, state, job.work))
  await helperGone(pod)
})

test("a job whose steps switch between the runner's Node 20 and Node 24 keeps one helper", async () => {
  const [node20, node24] = [runnerNode(20), runnerNode(24)]
  const prepared = expectSuccess(
    await runHook(
      'prepare_job',
      { container: jobContainer(job.work), services: [] },
      null,
      job.work,
      {},
      node20
    )
  )
  const { state } = prepared.response as { state: Record<string, unknown> }
  const pid = await helperListening(state.pod as string)
  for (const [i, node] of [node24, node20, node24].entries()) {
    const step = scriptStep(job.work, `echo "step=${i}" >> "$GITHUB_OUTPUT"; echo step ${i}`)
    const run = expectSuccess(await runHook('run_script_step', step, state, job.work, DEBUG, node))
    expect(ranByHelper.exec(run.stdout)?.[1]).toBe(String(pid))
    expect(run.stdout).toContain(`step ${i}\n`)
    expect(fileCommand(job.work, step, 'GITHUB_OUTPUT')).toBe(`step=${i}\n`)
  }
  const failed = await runHook(
    'run_script_step',
    scriptStep(job.work, 'exit 5'),
    state,
    job.work,
    {},
    node24
  )
  expect(failed.code).toBe(5)
  expectSuccess(await runHook('cleanup_job', {}, state, job.work, {}, node24))
  await helperGone(state.pod as string)
})

test('without its helper (killed), a step runs in the hook process, with the same result', async () => {
  const { state } = await prepareJob(job.work)
  const pod = state.pod as string
  process.kill(await helperListening(pod), 'SIGKILL')
  await waitFor('the killed helper to be gone', 10_000, () =>
    Promise.resolve(helperPids(pod).length === 0 ? true : undefined)
  )
  // Its socket file is left behind: nothing answers there.
  expect(existsSync(socketPath(pod)!)).toBe(true)
  const run = expectSuccess(
    await runHook('run_script_step', scriptStep(job.work, 'echo hello'), state, job.work, DEBUG)
  )
  expect(run.stdout).toContain('hello\n')
  expect(run.stdout).not.toMatch(ranByHelper)
  const failed = await runHook('run_script_step', scriptStep(job.work, 'exit 4'), state, job.work)
  expect(failed.code).toBe(4)
})

test('ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STEP_HELPER=false: no helper, steps run all the same', async () => {
  const env = { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STEP_HELPER: 'false' }
  const { state } = await prepareJob(job.work, {}, env)
  const run = expectSuccess(
    await runHook('run_script_step', scriptStep(job.work, 'echo hello'), state, job.work, {
      ...env,
      ...DEBUG
    })
  )
  expect(run.stdout).toContain('hello\n')
  expect(run.stdout).not.toMatch(ranByHelper)
  expect(helperPids(state.pod as string)).toEqual([])
})

test('a prepare_job that fails leaves no helper behind', async () => {
  const run = await runHook(
    'prepare_job',
    {
      container: jobContainer(job.work, { image: 'container-hooks-test/missing:1' }),
      services: []
    },
    null,
    job.work
  )
  expect(run.code).not.toBe(0)
  await waitFor('no step helper', 10_000, () =>
    Promise.resolve(helperPids(jobPods()).length === 0 ? true : undefined)
  )
})

test('the hook process killed mid-step (SIGKILL): the helper stops the step in the pod', async () => {
  const { state } = await prepareJob(job.work)
  const pod = state.pod as string
  await helperListening(pod)
  const step = await startSleepingStep(job, state)
  step.child.kill('SIGKILL')
  await step.done
  await waitFor('the step processes to be gone', 15_000, async () =>
    (await step.left()) === '' ? true : undefined
  )
  // The helper lives on for the next steps.
  expect(helperPids(pod)).toHaveLength(1)
})
