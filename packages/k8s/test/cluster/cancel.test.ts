// Cancelling a step (the runner's SIGINT) kills the step's whole process tree in the job pod and
// the hook exits well inside the runner's 7.5 s window. Real cluster, minimal Role.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/cancel.test.ts
import { expectSuccess, prepareJob, runHook } from '../helpers/hook'
import { startSleepingStep, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const job = useClusterJob()

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s mid-step leaves no process in the pod',
  async signal => {
    const { state } = await prepareJob(job.work)
    const step = await startSleepingStep(job, state)
    const sent = Date.now()
    step.child.kill(signal)
    const run = await step.done
    expect(Date.now() - sent).toBeLessThan(7_500)
    expect(run.code).toBe(130)
    expect(run.stdout).toMatch(/::error::The step was cancelled/)
    expect(run.stdout).not.toContain('never')
    expect(await step.left()).toBe('')
    expectSuccess(await runHook('cleanup_job', {}, state, job.work))
  }
)
