// 50 jobs in a row (pull secret, job container, a service, a step, cleanup) leave no pod and no
// secret behind. Real cluster, minimal Role.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/many-jobs.test.ts
import type { PrepareJobResponse } from '@container-hooks/hooklib'
import { hookContainer } from '../helpers/containers'
import {
  buildBundle,
  expectSuccess,
  jobContainer,
  runHook,
  scriptStep,
  workLayout,
  type Work
} from '../helpers/hook'
import { cluster, expectNothingLeft, type Cluster } from '../helpers/pods'

const JOBS = 50
jest.setTimeout(600_000)

let c: Cluster
let work: Work

beforeAll(async () => {
  c = cluster()
  work = workLayout(c.env.workDir)
  buildBundle()
  await runHook('cleanup_job', {}, null, work)
  await expectNothingLeft(c)
})

test(`${JOBS} jobs in a row leave no pod or secret`, async () => {
  const registry = {
    serverUrl: 'registry.example.com',
    username: 'u',
    password: 'not-a-real-password'
  }
  for (let i = 0; i < JOBS; i++) {
    const args = {
      container: jobContainer(work, { registry }),
      services: [hookContainer({ image: 'container-hooks-test/service:1' })]
    }
    const prepared = expectSuccess(await runHook('prepare_job', args, null, work))
    const state = (prepared.response as PrepareJobResponse).state!
    expectSuccess(await runHook('run_script_step', scriptStep(work, `echo job ${i}`), state, work))
    expectSuccess(await runHook('cleanup_job', {}, state, work))
  }
  await expectNothingLeft(c, 120_000)
})
