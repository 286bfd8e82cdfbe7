// A connection to the API server dropped mid-step, by a TCP proxy between the hook and the API
// server (hooklib's cutting proxy; TLS passes through, the API server's certificate holds
// 127.0.0.1): the hook re-attaches to the step's spool in the job container (ADR 0005) and exits
// with the step's own exit code and its whole output, once; past the reconnect bound, or on
// SIGINT, it stops the step's processes first.
// Run (under the lock): cd packages/k8s && npx jest -c jest.config.js test/cluster/lost-connection.test.ts
import type { HookState } from '@container-hooks/hooklib'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CuttingProxy } from '../../../hooklib/test/fixtures/cutting-proxy'
import { startApiProxy, type ApiProxy } from '../helpers/api-proxy'
import {
  expectSuccess,
  prepareJob,
  runHook,
  scriptStep,
  startHook,
  type HookRun
} from '../helpers/hook'
import { stepProcesses, useClusterJob } from '../helpers/pods'
import { waitFor } from '../support/cluster'

jest.setTimeout(300_000)

const job = useClusterJob()
const proxies: CuttingProxy[] = []

/** A proxy to the API server and a kubeconfig through it, closed after the file. */
let proxyCount = 0
async function proxied(): Promise<ApiProxy> {
  // Named before the await: jobs started together each get their own kubeconfig copy.
  const api = await startApiProxy(job, `proxied-${++proxyCount}`)
  proxies.push(api.proxy)
  return api
}

afterAll(async () => {
  await Promise.all(proxies.map(p => p.close()))
})

const lines = (stdout: string, start: string): string[] =>
  stdout.split('\n').filter(line => line.startsWith(start))
const numbered = (stdout: string): string =>
  stdout
    .split('\n')
    .filter(line => /^\d+$/.test(line))
    .join('\n')
const seq = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i)).join('\n')

/** Runs a step through `via`, calling `during` with the output so far as it comes. */
async function cutRun(
  state: HookState,
  script: string,
  env: NodeJS.ProcessEnv,
  during: (output: () => string, child: ReturnType<typeof startHook>['child']) => Promise<void>
): Promise<HookRun & { script: string }> {
  const step = scriptStep(job.work, script)
  const { child, done } = startHook('run_script_step', step, state, job.work, env)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const watching = during(() => output, child)
  // A hook that ends before its cut (a failure of its own) is reported as it ended, not as a
  // wait for output that never comes.
  const first = await Promise.race([watching, done.then(() => 'ended' as const)])
  if (first === 'ended') watching.catch(() => undefined)
  return { ...(await done), script: step.entryPointArgs[1] }
}

const printed = (output: () => string, text: string, ms = 60_000): Promise<true> =>
  waitFor(
    `"${text}" in the output`,
    ms,
    () => Promise.resolve(output().includes(text) ? true : undefined),
    undefined,
    20
  )

/**
 * A step that waits at `gate(name)` until the test has cut its connection: on a loaded machine a
 * step with a fixed pause may end before the test, polling the hook's output, gets to the cut.
 */
const gate = (name: string): string => `until [ -e /__w/_temp/${name} ]; do sleep 0.05; done`
const openGate = (name: string): void => writeFileSync(join(job.work.temp, name), '')
let gates = 0
/** A gate name of its own for each run. */
const newGate = (): string => `gate-${process.pid}-${++gates}`

/** Every line is the step's own or one of the hook's: nothing of the hook's inside a step's line. */
function expectReattached(run: HookRun, expected: string): void {
  if (run.code !== 7) console.log(run.stdout.slice(-3000))
  expect(run.code).toBe(7)
  expect(numbered(run.stdout)).toBe(expected)
  expect(lines(run.stdout, 'Lost the connection to the Kubernetes API server')).toHaveLength(1)
  expect(lines(run.stdout, 'Reconnected to the Kubernetes API server')).toHaveLength(1)
  const others = run.stdout
    .split('\n')
    .filter(l => l !== '' && !/^\d+$/.test(l) && !/^(Lost|Reconnected) /.test(l))
  expect(others).toEqual(['::error::The step failed with exit code 7'])
}

describe.each([
  ['through the step helper', {}],
  ['without the step helper', { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STEP_HELPER: 'false' }]
])('a cut re-attaches %s', (_how, prepareEnv) => {
  let state: HookState
  let proxy: CuttingProxy
  let env: NodeJS.ProcessEnv

  beforeAll(async () => {
    ;({ proxy, env } = await proxied())
    state = (await prepareJob(job.work, {}, { ...env, ...prepareEnv })).state!
  })

  afterAll(async () => {
    expectSuccess(await runHook('cleanup_job', {}, state, job.work, env))
  })

  test('mid-output: the exit code and every line, once', async () => {
    const before = proxy.accepted()
    const g = newGate()
    const run = await cutRun(
      state,
      `seq 1 20000; ${gate(g)}; seq 20001 30000; exit 7`,
      env,
      async out => {
        await printed(out, '1\n2\n')
        proxy.cut()
        openGate(g)
      }
    )
    expectReattached(run, seq(1, 30000))
    expect(proxy.accepted()).toBeGreaterThan(before + 1)
  })

  test('refused as the step starts: the step runs once the API server answers', async () => {
    const outage = proxy.refuseFor(2000)
    const run = await cutRun(state, 'seq 1 100; exit 7', env, () => outage)
    expect(run.code).toBe(7)
    expect(numbered(run.stdout)).toBe(seq(1, 100))
    expect(lines(run.stdout, 'Lost the connection to the Kubernetes API server')).toHaveLength(1)
    expect(lines(run.stdout, 'Reconnected to the Kubernetes API server')).toHaveLength(1)
  })

  test('in the first second of the step', async () => {
    const g = newGate()
    const run = await cutRun(state, `echo 1; ${gate(g)}; seq 2 100; exit 7`, env, async out => {
      await printed(out, '1\n')
      proxy.cut()
      openGate(g)
    })
    expectReattached(run, seq(1, 100))
  })

  test('in the last second of the step, after its last line', async () => {
    const g = newGate()
    const script = `seq 1 1000; sleep 1; seq 1001 2000; ${gate(g)}; exit 7`
    const run = await cutRun(state, script, env, async out => {
      await printed(out, '\n2000\n')
      proxy.cut()
      openGate(g)
    })
    expectReattached(run, seq(1, 2000))
  })
})

describe('giving up', () => {
  let state: HookState
  let proxy: CuttingProxy
  let env: NodeJS.ProcessEnv
  // Runs for 10 s, then leaves a mark: a step that was stopped never does.
  const marked = (mark: string): string =>
    `echo started; i=0; while [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; touch /__w/_temp/${mark}`

  beforeAll(async () => {
    ;({ proxy, env } = await proxied())
    state = (await prepareJob(job.work, {}, env)).state!
  })

  afterAll(async () => {
    expectSuccess(await runHook('cleanup_job', {}, state, job.work, env))
  })

  test('an outage longer than the bound: one clear failure, the step stopped', async () => {
    const script = marked('after-bound')
    const bounded = { ...env, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_RECONNECT_SECONDS: '2' }
    const run = await cutRun(state, script, bounded, async out => {
      await printed(out, 'started')
      await proxy.refuseFor(5000)
    })
    expect(run.code).toBe(1)
    const errors = lines(run.stdout, '::error::')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      /^::error::Lost the connection to the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ for longer than 2 s while the step was running \(.*\); the step's processes were stopped$/
    )
    expect(await stepProcesses(job.c, state.pod as string, run.script)).toBe('')
    await new Promise(resolve => setTimeout(resolve, 11_000))
    expect(existsSync(join(job.work.temp, 'after-bound'))).toBe(false)
  })

  test('SIGINT during an outage stops the step in time', async () => {
    let sent = 0
    const run = await cutRun(state, marked('after-cancel'), env, async (out, child) => {
      await printed(out, 'started')
      const outage = proxy.refuseFor(3000)
      await printed(out, 'Lost the connection', 10_000)
      sent = Date.now()
      child.kill('SIGINT')
      await outage
    })
    expect(Date.now() - sent).toBeLessThan(7_500)
    expect(run.code).toBe(130)
    expect(run.stdout).toMatch(/::error::The step was cancelled/)
    expect(await stepProcesses(job.c, state.pod as string, run.script)).toBe('')
    await new Promise(resolve => setTimeout(resolve, 11_000))
    expect(existsSync(join(job.work.temp, 'after-cancel'))).toBe(false)
  })
})

test("50 runs cut mid-output: 50 times the step's own exit code 7 and the exact output", async () => {
  const script = (g: string): string => `seq 1 20000; ${gate(g)}; seq 20001 25000; exit 7`
  const expected = seq(1, 25000)
  // Ten jobs at a time, five cut runs each (one job container runs one step at a time), each
  // job through its own proxy, cut at a different moment of the first burst of output. The jobs
  // share this runner, whose cleanup_job deletes all of its pods: it runs once they are done.
  const jobs = await Promise.all(
    Array.from({ length: 10 }, async () => {
      const { proxy, env } = await proxied()
      return { proxy, env, state: (await prepareJob(job.work, {}, env)).state }
    })
  )
  const runJob = async ({ proxy, env, state }: (typeof jobs)[number], j: number) => {
    const runs: HookRun[] = []
    for (let i = 0; i < 5; i++) {
      const g = newGate()
      const run = await cutRun(state, script(g), env, async out => {
        await printed(out, '1\n2\n')
        await new Promise(resolve => setTimeout(resolve, (j * 5 + i) * 7))
        proxy.cut()
        openGate(g)
      })
      runs.push(run)
    }
    return runs
  }
  const runs = (await Promise.all(jobs.map(runJob))).flat()
  for (const { env, state } of jobs)
    expectSuccess(await runHook('cleanup_job', {}, state, job.work, env))
  const failed = runs.filter(r => r.code !== 7).map(r => `exit ${r.code}: ${r.stdout.slice(-1500)}`)
  expect(failed).toEqual([])
  expect(runs.filter(r => numbered(r.stdout) !== expected)).toHaveLength(0)
  for (const run of runs) expectReattached(run, expected)
})
