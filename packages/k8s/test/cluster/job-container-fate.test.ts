// The job container killed under a step is reported as what it is, in one `::error::` line:
// OOM-killed (137, with the memory limit), the pod evicted (the kubelet's reason), the pod
// deleted by someone else. Real cluster, minimal Role.
// Run (under the lock): cd packages/k8s && npx jest -c jest.config.js test/cluster/job-container-fate.test.ts
import { JOB_POD_DELETED } from '../../src/specs/job-container-fate'
import { jobTemplate, prepareJob, runHook, scriptStep, startHook } from '../helpers/hook'
import { cleanUpAfterEach, startSleepingStep, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const job = useClusterJob()

cleanUpAfterEach(job)

test('an OOM-killed step: exit code 137 and the memory limit', async () => {
  const { state } = await prepareJob(job.work, { createOptions: '--memory 32m' })
  const step = scriptStep(job.work, 'echo before; tail -c 200000000 /dev/zero; echo never')
  const run = await runHook('run_script_step', step, state, job.work)
  expect(run.code).toBe(137)
  expect(run.stdout).toContain('before\n')
  expect(run.stdout).not.toContain('never')
  expect(run.stdout).toContain(
    "::error::The step was killed for lack of memory (OOM-killed, exit code 137): the job container's memory limit is 32Mi (options: --memory, or resources.limits.memory in the pod template)\n"
  )
})

test('a job pod deleted by someone else mid-step: one line that says so', async () => {
  const { state } = await prepareJob(job.work)
  const step = await startSleepingStep(job, state)
  await job.c.core.deleteNamespacedPod({
    name: state.pod as string,
    namespace: job.c.env.namespace,
    gracePeriodSeconds: 1
  })
  const run = await step.done
  expect(run.code).not.toBe(0)
  expect(run.stdout).toContain(`::error::${JOB_POD_DELETED}\n`)
  expect(run.stdout.match(/::error::/g)).toHaveLength(1)
})

test("an evicted job pod: the kubelet's reason", async () => {
  const template = jobTemplate(job.work, 'ephemeral-template.yaml', [
    'resources: { limits: { ephemeral-storage: 8Mi } }'
  ])
  const env = { ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: template }
  const { state } = await prepareJob(job.work, {}, env)
  const step = scriptStep(
    job.work,
    'dd if=/dev/zero of=/tmp/fill bs=1048576 count=32 2>/dev/null; echo filled; sleep 300'
  )
  const { done } = startHook('run_script_step', step, state, job.work, env)
  const run = await done
  expect(run.code).not.toBe(0)
  expect(run.stdout).toContain('filled\n')
  expect(run.stdout).toMatch(
    /::error::The job pod was evicted by the kubelet while the step ran: .*ephemeral.*\n/
  )
})
