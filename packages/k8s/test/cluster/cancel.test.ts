// Cancelling a step (the runner's SIGINT) kills the step's whole process tree in the job pod and
// the hook exits well inside the runner's 7.5 s window. Real cluster, minimal Role.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/cancel.test.ts
import { expectSuccess, prepareJob, runHook, scriptStep, startHook } from '../helpers/hook'
import { stepProcesses, useClusterJob } from '../helpers/pods'
import { waitFor } from '../support/cluster'

jest.setTimeout(180_000)

const job = useClusterJob()

test.each(['SIGINT', 'SIGTERM'] as const)(
  '%s mid-step leaves no process in the pod',
  async signal => {
    const prepared = await prepareJob(job.work)
    const state = prepared.state
    const pod = state.pod as string
    const step = scriptStep(job.work, 'sleep 300 & (sleep 301; echo never) & echo started; wait')
    const script = step.entryPointArgs[1]
    const { child, done } = startHook('run_script_step', step, state, job.work)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('the step to start', 30_000, () =>
      Promise.resolve(output.includes('started') ? true : undefined)
    )
    expect(await stepProcesses(job.c, pod, script)).not.toBe('')
    const sent = Date.now()
    child.kill(signal)
    const run = await done
    expect(Date.now() - sent).toBeLessThan(7_500)
    expect(run.code).toBe(130)
    expect(run.stdout).toMatch(/::error::The step was cancelled/)
    expect(run.stdout).not.toContain('never')
    expect(await stepProcesses(job.c, pod, script)).toBe('')
    expectSuccess(await runHook('cleanup_job', {}, state, job.work))
  }
)
