// The exec stream cut mid-step (the kube-apiserver is killed, as when a managed cluster rotates
// its API servers): the hook rides out the restart, re-attaches to the step's spool (ADR 0005)
// and exits with the step's own exit code and its whole output. This file stops and restores
// the apiserver of the local cluster: run it on its own, after the other cluster tests.
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

test("an API server restart mid-step: the step's own exit code and its whole output", async () => {
  const { child, done } = startHook(
    'run_script_step',
    scriptStep(job.work, 'echo started; sleep 20; echo finished; exit 7'),
    state,
    job.work,
    { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_RECONNECT_SECONDS: '300' }
  )
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitFor('the step to start', 30_000, () =>
    Promise.resolve(output.includes('started') ? true : undefined)
  )
  const pid = Number(readFileSync(join(STATE_DIR, 'run/kube-apiserver.pid'), 'utf8'))
  process.kill(pid, 'SIGKILL')
  await waitFor('the hook to see the lost connection', 90_000, () =>
    Promise.resolve(output.includes('Lost the connection') ? true : undefined)
  )
  // scripts/k8s/up restarts only what is down: here the apiserver.
  const up = spawnSync(join(REPO, 'scripts/k8s/up'), { stdio: 'inherit', timeout: 280_000 })
  expect(up.status).toBe(0)
  const run = await done
  // With its output, so that a failure says what the hook printed.
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 7, stdout: run.stdout })
  expect(run.code).toBe(7)
  expect(run.stdout).toMatch(/^started\n/)
  expect(run.stdout).toContain('\nfinished\n')
  expect(run.stdout.match(/^Lost the connection to the Kubernetes API server/gm)).toHaveLength(1)
  expect(run.stdout.match(/^Reconnected to the Kubernetes API server/gm)).toHaveLength(1)
  expect(run.stdout.match(/::error::/g)).toEqual(['::error::'])
  expect(run.stdout).toContain('::error::The step failed with exit code 7')
})
