// The exec stream cut mid-step (the kube-apiserver is killed, as when a managed cluster rotates
// its API servers) must FAIL the step, never pass it. This file stops and restores the
// apiserver of the local cluster: run it on its own, after the other cluster tests.
// Run (alone): eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest -c jest.disruptive.config.js
import type { HookState } from '@container-hooks/hooklib'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { prepareJob, runHook, scriptStep, startHook } from '../helpers/hook'
import { useClusterJob } from '../helpers/pods'
import { waitFor } from '../support/cluster'

jest.setTimeout(400_000)

const REPO = resolve(__dirname, '../../../..')
const STATE_DIR = process.env.HOOKS_K8S_STATE_DIR ?? '/var/lib/container-hooks-k8s'
let state: HookState

const job = useClusterJob()

beforeAll(async () => {
  const prepared = await prepareJob(job.work)
  state = prepared.state!
})

afterAll(async () => {
  // Restores the apiserver (scripts/k8s/up is idempotent and restarts only what is down).
  const up = spawnSync(join(REPO, 'scripts/k8s/up'), { stdio: 'inherit', timeout: 300_000 })
  if (up.status !== 0)
    throw new Error(`scripts/k8s/up could not restore the cluster (exit ${up.status})`)
  if (job.work) await runHook('cleanup_job', {}, null, job.work)
})

test('a step whose exec stream is cut fails with a clear message', async () => {
  const { child, done } = startHook(
    'run_script_step',
    scriptStep(job.work, 'echo started; sleep 30; echo finished'),
    state,
    job.work
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitFor('the step to start', 30_000, () =>
    Promise.resolve(output.includes('started') ? true : undefined)
  )
  const pid = Number(readFileSync(join(STATE_DIR, 'run/kube-apiserver.pid'), 'utf8'))
  process.kill(pid, 'SIGKILL')
  const started = Date.now()
  const run = await done
  expect(Date.now() - started).toBeLessThan(20_000)
  expect(run.code).not.toBe(0)
  expect(run.stdout).toMatch(/::error::Lost the connection to the pod while the step was running/)
  expect(run.stdout).not.toContain('finished')
})
