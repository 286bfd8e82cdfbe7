// 50 jobs in a row (pull secret, job container, a service, a step, cleanup) leave no pod, no
// secret and no step helper process behind. Real cluster, minimal Role.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/many-jobs.test.ts
import type { PrepareJobResponse } from '@container-hooks/hooklib'
import { busybox } from '../helpers/containers'
import { expectSuccess, helperPids, jobContainer, runHook, scriptStep } from '../helpers/hook'
import { expectNothingLeft, useClusterJob } from '../helpers/pods'

const JOBS = 50
jest.setTimeout(600_000)

const job = useClusterJob()

test(`${JOBS} jobs in a row leave no pod, secret or step helper`, async () => {
  const registry = {
    serverUrl: 'registry.example.com',
    username: 'u',
    password: 'not-a-real-password'
  }
  for (let i = 0; i < JOBS; i++) {
    const args = {
      container: jobContainer(job.work, { registry }),
      services: [busybox({ image: 'container-hooks-test/service:1' })]
    }
    const prepared = expectSuccess(await runHook('prepare_job', args, null, job.work))
    const state = (prepared.response as PrepareJobResponse).state!
    expectSuccess(
      await runHook('run_script_step', scriptStep(job.work, `echo job ${i}`), state, job.work)
    )
    expectSuccess(await runHook('cleanup_job', {}, state, job.work))
  }
  await expectNothingLeft(job.c, 120_000)
  expect(helperPids(`${job.c.env.runnerPod}-job-`)).toEqual([])
})
