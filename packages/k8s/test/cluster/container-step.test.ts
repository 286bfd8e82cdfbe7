// run_container_step through the bundled hook on the real local cluster, as the minimal-Role
// account, in both storage modes: the image's ENTRYPOINT, /github/* before start and back on the
// host after, services by name, exit codes, cancel, state null, pull secrets and the template.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/container-step.test.ts
import type { HookState } from '@container-hooks/hooklib'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { busybox } from '../helpers/containers'
import {
  containerStep,
  expectNoStepLeft,
  stepFileCommand,
  stepObjects
} from '../helpers/container-step'
import {
  expectSuccess,
  jobContainer,
  runHook,
  scriptStep,
  startHook,
  workLayout,
  type Work
} from '../helpers/hook'
import { expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'
import { waitFor } from '../support/cluster'

jest.setTimeout(180_000)

const ACTION = 'container-hooks-test/action:1'
const job = useClusterJob()
const registry = {
  serverUrl: process.env.HOOKS_REGISTRY ?? '',
  username: process.env.HOOKS_REGISTRY_USER ?? '',
  password: process.env.HOOKS_REGISTRY_PASSWORD ?? ''
}
const PRIVATE_IMAGE = process.env.HOOKS_REGISTRY_IMAGE ?? ''

beforeAll(() => {
  if (!registry.serverUrl || !PRIVATE_IMAGE)
    throw new Error('HOOKS_REGISTRY is not set: eval "$(scripts/k8s/env)"')
})

describe.each([
  ['volume', {}],
  ['copy', { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy', RUNNER_DEBUG: '1' }]
])('%s mode', (mode, env: Record<string, string>) => {
  let work: Work
  let state: HookState

  const step = (args: ReturnType<typeof containerStep>, s: HookState | null = state) =>
    runHook('run_container_step', args, s, work, env)

  beforeAll(async () => {
    // Copy mode: a host folder the pods cannot see, so everything must be copied.
    work = mode === 'copy' ? workLayout(mkdtempSync(join(tmpdir(), 'container-step-'))) : job.work
    const run = expectSuccess(
      await runHook(
        'prepare_job',
        {
          container: jobContainer(work),
          services: [
            busybox({ image: 'container-hooks-test/service:1', portMappings: ['8080'] }),
            // Its credentials give the job a pull secret, which container steps use too.
            busybox({
              image: PRIVATE_IMAGE,
              registry,
              entryPoint: 'sh',
              entryPointArgs: ['-c', '"sleep', '600"']
            })
          ]
        },
        null,
        work,
        env
      )
    )
    state = (run.response as { state: HookState }).state
    expect(state.secret).toBeDefined()
  })

  afterAll(async () => {
    expectSuccess(await runHook('cleanup_job', {}, state, work, env))
    await expectNothingLeft(job.c)
  })

  test("no entrypoint: the image's ENTRYPOINT runs, the args replace its CMD", async () => {
    const quoted = containerStep(work, { image: ACTION, entryPointArgs: ['"hello', 'world"', 'x'] })
    const run = expectSuccess(await step(quoted))
    expect(run.stdout).toContain('action entrypoint: 2 args: [hello world] [x]')
    expect(stepFileCommand(work, quoted, 'GITHUB_OUTPUT')).toBe('entrypoint=ran\n')
    const bare = expectSuccess(await step(containerStep(work, { image: ACTION })))
    expect(bare.stdout).toContain('action entrypoint: 1 args: [default-cmd]')
    await expectNoStepLeft(job.c)
  })

  test('/github/* are there before the entrypoint and its writes reach the host and the next step', async () => {
    writeFileSync(join(work.repo, 'from-host.txt'), 'host file\n')
    writeFileSync(join(work.temp, '_github_workflow/event.json'), '{"event":1}\n')
    const args = containerStep(
      work,
      {
        entryPoint: 'sh',
        // As the runner splits `args: -c "…"`: the hook re-joins and re-tokenizes the pieces.
        entryPointArgs: [
          '-c',
          `"${[
            'echo cwd=$(pwd) home=$HOME secret=$MY_SECRET',
            'cat from-host.txt /github/workflow/event.json',
            'echo from-step > from-step.txt',
            'echo answer=42 >> $GITHUB_OUTPUT',
            'echo FOO=bar >> $GITHUB_ENV',
            'echo home-file > /github/home/h.txt'
          ].join('; ')}"`
        ]
      },
      { MY_SECRET: 's3cr3t-value' }
    )
    const run = expectSuccess(await step(args))
    expect(run.stdout).toContain('cwd=/github/workspace home=/github/home secret=s3cr3t-value')
    expect(run.stdout).toContain('host file')
    expect(run.stdout).toContain('{"event":1}')
    expect(stepFileCommand(work, args, 'GITHUB_OUTPUT')).toBe('answer=42\n')
    expect(stepFileCommand(work, args, 'GITHUB_ENV')).toBe('FOO=bar\n')
    expect(readFileSync(join(work.repo, 'from-step.txt'), 'utf8')).toBe('from-step\n')
    expect(readFileSync(join(work.temp, '_github_home/h.txt'), 'utf8')).toBe('home-file\n')
    const next = expectSuccess(
      await runHook(
        'run_script_step',
        scriptStep(work, 'cat from-step.txt /github/home/h.txt'),
        state,
        work,
        env
      )
    )
    expect(next.stdout).toContain('from-step\nhome-file')
    await expectNoStepLeft(job.c)
  })

  test('the job services are reached by the names the job container uses', async () => {
    const run = expectSuccess(
      await step(
        containerStep(work, {
          entryPoint: 'wget',
          entryPointArgs: ['-q', '-O', '-', 'http://service:8080/']
        })
      )
    )
    expect(run.stdout).toContain('container-hooks-test service')
  })

  test("the container's exit code is the hook's, with its output and outputs", async () => {
    const args = containerStep(work, {
      entryPoint: 'sh',
      entryPointArgs: ['-c', '"echo before; echo partial=1 >> $GITHUB_OUTPUT; exit 5"']
    })
    const run = await step(args)
    expect(run.code).toBe(5)
    expect(run.stdout).toContain('before')
    expect(run.stdout).toMatch(/::error::The container step failed with exit code 5/)
    expect(stepFileCommand(work, args, 'GITHUB_OUTPUT')).toBe('partial=1\n')
    await expectNoStepLeft(job.c)
  })

  test('output is live; the env is only in a Secret; cancel deletes the pod within 7.5 s', async () => {
    const args = containerStep(
      work,
      { entryPoint: 'sh', entryPointArgs: ['-c', '"echo started; sleep 300"'] },
      { MY_SECRET: 'never-in-the-spec' }
    )
    const { child, done } = startHook('run_container_step', args, state, work, env)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('the step to print', 60_000, () =>
      Promise.resolve(output.includes('started') ? true : undefined)
    )
    const { pods, secrets } = await stepObjects(job.c)
    expect(pods).toHaveLength(1)
    expect(secrets).toEqual([pods[0].metadata!.name])
    const stepSpec = pods[0].spec!.containers.find(c => c.name === 'step')!
    expect(JSON.stringify(pods[0])).not.toContain('never-in-the-spec')
    expect(stepSpec.env!.every(e => e.value === undefined && e.valueFrom?.secretKeyRef)).toBe(true)
    const sent = Date.now()
    child.kill('SIGINT')
    const run = await done
    expect(Date.now() - sent).toBeLessThan(7_500)
    expect(run.code).toBe(130)
    expect(run.stdout).toMatch(/::error::The step was cancelled/)
    await expectNoStepLeft(job.c)
  })

  test('a private image pulls with the job pull secret; the template applies to the step', async () => {
    const template = join(work.temp, 'step-template.yaml')
    writeFileSync(
      template,
      [
        'spec:',
        '  containers:',
        '    - name: $job',
        // Always: the node must pull with the credentials even though the image is there.
        '      imagePullPolicy: Always',
        '      env: [{ name: FROM_TEMPLATE, value: "yes" }]'
      ].join('\n')
    )
    const templated = { ...env, ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: template }
    const args = containerStep(work, {
      image: PRIVATE_IMAGE,
      entryPoint: 'sh',
      entryPointArgs: ['-c', '"echo template=$FROM_TEMPLATE"']
    })
    const run = expectSuccess(await runHook('run_container_step', args, state, work, templated))
    expect(run.stdout).toContain('template=yes')
    // Without the job's secret the same pull fails fast, with Kubernetes' reason.
    const started = Date.now()
    const denied = await runHook('run_container_step', args, null, work, templated)
    expect(denied.code).not.toBe(0)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(denied.stdout).toMatch(
      /::error::Step pod \S+ failed to start: container step: (ErrImagePull|ImagePullBackOff)/
    )
    await expectNoStepLeft(job.c)
  })

  test('state null (no job container, no services): runs from the runner pod alone', async () => {
    const args = containerStep(work, {
      entryPoint: 'sh',
      entryPointArgs: ['-c', '"echo no-state > no-state.txt; echo done=1 >> $GITHUB_OUTPUT"']
    })
    expectSuccess(await step(args, null))
    expect(stepFileCommand(work, args, 'GITHUB_OUTPUT')).toBe('done=1\n')
    expect(readFileSync(join(work.repo, 'no-state.txt'), 'utf8')).toBe('no-state\n')
    await expectNoStepLeft(job.c)
  })

  test('the step pod uses the storage of its mode', async () => {
    const args = containerStep(work, {
      entryPoint: 'sh',
      entryPointArgs: ['-c', '"echo started; sleep 300"']
    })
    const { child, done } = startHook('run_container_step', args, state, work, env)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await waitFor('the step to print', 60_000, () =>
      Promise.resolve(output.includes('started') ? true : undefined)
    )
    const pod = await readPod(job.c, (await stepObjects(job.c)).pods[0].metadata!.name!)
    child.kill('SIGTERM')
    await done
    const spec = pod.spec!
    if (mode === 'volume') {
      expect(spec.volumes![0].persistentVolumeClaim?.claimName).toBe(job.c.env.claimName)
      expect(spec.nodeName).toBe(job.c.env.nodeName)
      expect(spec.containers.map(c => c.name)).toEqual(['step'])
    } else {
      expect(spec.volumes![0].emptyDir).toBeDefined()
      expect(spec.containers.map(c => c.name)).toEqual(['sync', 'step'])
    }
    await expectNoStepLeft(job.c)
  })
})
