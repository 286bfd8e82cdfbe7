// A container step's log stream cut mid-output, through a TCP proxy between the hook and the API
// server (hooklib's cutting proxy): the hook follows the log again where it stopped, so the
// output is byte for byte what the step printed (lines sharing a timestamp, 100 KiB lines, a
// line spanning a pause, no final newline) and the exit code is the step's own. An outage longer
// than the reconnect bound fails the step clearly and deletes its pod; so does a cancel.
// Run (under the lock): cd packages/k8s && npx jest test/cluster/container-step-reconnect.test.ts
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startApiProxy, type ApiProxy } from '../helpers/api-proxy'
import { containerStep, expectNoStepLeft, stepObjects } from '../helpers/container-step'
import { startHook, type HookRun } from '../helpers/hook'
import { useClusterJob } from '../helpers/pods'
import { waitFor } from '../support/cluster'

jest.setTimeout(300_000)

const job = useClusterJob()
let api: ApiProxy

beforeAll(async () => {
  api = await startApiProxy(job)
})

afterAll(async () => {
  await api?.proxy.close()
})

const ROUNDS = 8
// Fast lines (many share a timestamp), a 100 KiB line, a 50 KiB piece finished after a pause.
const SCRIPT = `r=1
while [ $r -le ${ROUNDS} ]; do
  seq 1 3000 | sed "s/^/$r./"
  head -c 100000 /dev/zero | tr '\\0' x; echo
  head -c 50000 /dev/zero | tr '\\0' y
  sleep 0.3
  echo " end $r"
  r=$((r+1))
done
printf 'the end, without a newline'
exit 7
`

function expected(): string {
  let out = ''
  for (let r = 1; r <= ROUNDS; r++) {
    for (let i = 1; i <= 3000; i++) out += `${r}.${i}\n`
    out += `${'x'.repeat(100_000)}\n${'y'.repeat(50_000)} end ${r}\n`
  }
  return `${out}the end, without a newline`
}

// The hook's own lines: one when the connection is lost, one when it is back, and the failure.
// They wait for the end of a step's line; the failure follows the step's last line, which has no
// newline, on a line of its own (the newline before it is the hook's).
const LOST = /(?<!::error::)Lost the connection to the Kubernetes API server at [^\n]*\n/g
const BACK = /Reconnected to the Kubernetes API server at [^\n]*\n/g
const FAILED = '\n::error::The container step failed with exit code 7\n'

interface Started {
  child: ChildProcess
  done: Promise<HookRun>
  printed: () => number
}

function startStep(script: string, env: NodeJS.ProcessEnv = {}): Started {
  const file = `reconnect-${Math.random().toString(36).slice(2)}.sh`
  writeFileSync(join(job.work.repo, file), script)
  const step = containerStep(job.work, {
    entryPoint: 'sh',
    entryPointArgs: [`/github/workspace/${file}`]
  })
  const { child, done } = startHook('run_container_step', step, null, job.work, {
    ...api.env,
    ...env
  })
  let printed = 0
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.length))
  return { child, done, printed: () => printed }
}

/** The step's output: the hook's stdout without the hook's own lines. */
function stepOutput(run: HookRun): string {
  return run.stdout.replace(LOST, '').replace(BACK, '').replace(FAILED, '')
}

/** How many "lost" lines came before the step's last byte, that is, cut its output. */
function cutsDuringOutput(run: HookRun): number {
  const end = run.stdout.indexOf('the end, without a newline')
  return [...run.stdout.matchAll(LOST)].filter(m => m.index < end).length
}

async function cutBatch(size: number): Promise<HookRun[]> {
  const steps = Array.from({ length: size }, () => startStep(SCRIPT))
  let running = size
  const runs = steps.map(s => s.done.finally(() => running--))
  // From the first output on: a step that started early must not end before the first cut.
  await waitFor('a step to print', 60_000, () =>
    Promise.resolve(steps.some(s => s.printed() > 0) ? true : undefined)
  )
  // Cuts every 0.4–1 s while any step runs: mid-line, mid-100 KiB line, in the pauses. (Every
  // re-follow reads up to a second of log again: more frequent cuts only make the runs longer.)
  while (running > 0) {
    await new Promise(resolve => setTimeout(resolve, 400 + Math.random() * 600))
    api.proxy.cut()
  }
  return Promise.all(runs)
}

test('uncut: the output model is what the step prints', async () => {
  const run = await startStep(SCRIPT).done
  expect(run.code).toBe(7)
  expect(run.stdout).toContain(FAILED)
  expect(stepOutput(run) === expected()).toBe(true)
})

test('cut several times mid-output, 25 runs in batches of 5: exact output and exit 7', async () => {
  const want = expected()
  const results: string[] = []
  for (let batch = 0; batch < 5; batch++) {
    for (const run of await cutBatch(5)) {
      const out = stepOutput(run)
      const lost = run.stdout.match(LOST)?.length ?? 0
      const during = cutsDuringOutput(run)
      results.push(
        `exit ${run.code}, ${out === want ? 'exact' : 'DIFFERENT'}, cut ${lost}x, ${during} before the end of the output`
      )
      if (out !== want) {
        const at = [...out].findIndex((ch, i) => ch !== want[i])
        const errors = run.stdout.match(/::error::.*/g) ?? []
        console.log(
          `first difference at ${at}: ${JSON.stringify(out.slice(Math.max(0, at - 40), at + 40))}; the hook's errors: ${errors.join(' | ')}`
        )
      }
      expect(run.stdout).not.toContain('::warning::')
      expect(run.stdout.match(BACK)?.length ?? 0).toBe(lost)
    }
  }
  console.log(results.join('\n'))
  expect(results.filter(r => r.startsWith('exit 7, exact'))).toHaveLength(25)
  expect(results.filter(r => !r.endsWith(' 0 before the end of the output'))).toHaveLength(25)
  await expectNoStepLeft(job.c)
})

test('cut while the step pod starts: the hook waits for it again, exact output and exit 7', async () => {
  const step = startStep(SCRIPT)
  await waitFor('the step pod', 60_000, async () =>
    (await stepObjects(job.c)).pods.length > 0 ? true : undefined
  )
  // Every 150 ms from the pod's creation to the step's first output: the pod's status polls
  // and the first log requests are cut.
  let cuts = 0
  for (; step.printed() === 0 && cuts < 200; cuts++) {
    api.proxy.cut()
    await new Promise(resolve => setTimeout(resolve, 150))
  }
  const run = await step.done
  expect(cuts).toBeGreaterThan(1)
  expect(run.stdout.match(/::error::.*/g)).toEqual([FAILED.trim()])
  expect(run.code).toBe(7)
  expect(stepOutput(run) === expected()).toBe(true)
  await expectNoStepLeft(job.c)
})

test('an outage longer than the bound fails the step with one error and deletes its pod', async () => {
  const step = startStep('echo started; sleep 120; echo never\n', {
    ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_RECONNECT_SECONDS: '3'
  })
  await waitFor('the step to start', 60_000, () =>
    Promise.resolve(step.printed() > 0 ? true : undefined)
  )
  // Back after the bound, inside the 6 s the hook keeps trying to delete the pod.
  const outage = api.proxy.refuseFor(7_000)
  const run = await step.done
  await outage
  expect(run.code).toBe(1)
  expect(run.stdout.match(LOST)).toHaveLength(1)
  expect(run.stdout.match(/::error::/g)).toHaveLength(1)
  expect(run.stdout).toMatch(
    /::error::Lost the connection to the Kubernetes API server at \S+ for longer than 3 s while the step was running \(.*\); the step pod \S+ was deleted\n/
  )
  expect(run.stdout).not.toContain('never')
  await expectNoStepLeft(job.c)
})

test('SIGINT during an outage deletes the pod once the API answers, within 7.5 s', async () => {
  const step = startStep('echo started; sleep 120; echo never\n')
  await waitFor('the step to start', 60_000, () =>
    Promise.resolve(step.printed() > 0 ? true : undefined)
  )
  const outage = api.proxy.refuseFor(3_000)
  await new Promise(resolve => setTimeout(resolve, 500))
  const sent = Date.now()
  step.child.kill('SIGINT')
  const run = await step.done
  await outage
  expect(Date.now() - sent).toBeLessThan(7_500)
  expect(run.code).toBe(130)
  expect(run.stdout).toMatch(/::error::The step was cancelled/)
  await expectNoStepLeft(job.c)
})
