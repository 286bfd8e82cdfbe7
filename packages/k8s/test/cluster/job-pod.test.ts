// How prepare_job builds and waits for the job pod, on the real local cluster under the
// minimal Role: fail-fast pulls, service-only jobs and templates (in both storage modes), Alpine,
// entrypoint-less images, externals, failed-step logs, private images.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/job-pod.test.ts
import type { PrepareJobResponse } from '@container-hooks/hooklib'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { busybox } from '../helpers/containers'
import {
  expectSuccess,
  jobContainer,
  jobTemplate,
  prepareJob,
  runHook,
  runStep,
  scriptStep
} from '../helpers/hook'
import { cleanUpAfterEach, expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const job = useClusterJob()

cleanUpAfterEach(job)

describe.each([
  ['volume', {}],
  ['copy', { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy' }]
])('%s mode', (mode, env: Record<string, string>) => {
  test('a bad image fails fast with the pull error and leaves nothing behind', async () => {
    const started = Date.now()
    const run = await runHook(
      'prepare_job',
      {
        container: jobContainer(job.work, { image: 'container-hooks-test/does-not-exist:1' }),
        services: []
      },
      null,
      job.work,
      env
    )
    expect(run.code).not.toBe(0)
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(run.stdout).toMatch(
      /::error::Job pod \S+ failed to start: container job: (ErrImagePull|ImagePullBackOff)/
    )
    expect(run.stdout).toContain('does-not-exist')
    expect(run.stdout.match(/::error::/g)).toHaveLength(1)
    // A failed prepare_job removes what it created by itself, before any cleanup_job.
    await expectNothingLeft(job.c)
  })

  test('service-only job: a response with services and no container', async () => {
    const run = expectSuccess(
      await runHook(
        'prepare_job',
        {
          container: null,
          services: [busybox({ image: 'container-hooks-test/service:1', portMappings: ['8080'] })]
        },
        null,
        job.work,
        env
      )
    )
    const response = run.response as PrepareJobResponse
    expect(response.state!.storage).toBe(mode)
    expect(response.context?.container).toBeUndefined()
    expect(response.context?.services).toEqual([
      { id: expect.any(String) as string, ports: { '8080': '8080' } }
    ])
    const pod = await readPod(job.c, response.state!.pod as string)
    expect(pod.spec!.containers.map(x => x.name)).toEqual(['service'])
  })

  test('a template that sets resources and a label shows up in the created pod', async () => {
    const template = jobTemplate(
      job.work,
      'template.yaml',
      [
        'env: [{ name: FROM_TEMPLATE, value: "yes" }]',
        'resources: { limits: { cpu: 500m, memory: 256Mi } }'
      ],
      ['metadata:', '  labels: { team: ci-platform }']
    )
    const withTemplate = { ...env, ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: template }
    const run = await prepareJob(job.work, {}, withTemplate)
    const state = run.state
    expect(state.storage).toBe(mode)
    const pod = await readPod(job.c, state.pod as string)
    expect(pod.metadata!.labels!.team).toBe('ci-platform')
    expect(pod.spec!.containers[0].resources?.limits).toEqual({ cpu: '500m', memory: '256Mi' })
    const step = await runStep(job.work, 'echo "t=$FROM_TEMPLATE"', state, withTemplate)
    expect(step.stdout).toContain('t=yes')
  })
})

test.each([
  [
    'InvalidImageName',
    { image: 'container-hooks-test/busybox@md5:0123456789abcdef0123456789abcdef' },
    '',
    /failed to start: container job: InvalidImageName/
  ],
  [
    'CreateContainerConfigError',
    {},
    'spec:\n  containers:\n    - name: $job\n      env: [{ name: X, valueFrom: { secretKeyRef: { name: no-such-secret, key: k } } }]\n',
    /failed to start: container job: CreateContainerConfigError: .*no-such-secret/
  ],
  [
    'Unschedulable',
    {},
    'spec:\n  nodeSelector: { container-hooks-test/no-such-label: "x" }\n',
    /failed to start: the pod cannot be scheduled: .*node affinity\/selector/
  ]
])('%s fails fast with the reason', async (reason, overrides, template, message) => {
  const env: Record<string, string> = {}
  if (template) {
    env.ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE = join(job.work.temp, 'fail-template.yaml')
    writeFileSync(env.ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE, template)
  }
  // Unschedulable pods keep their nodeName unset only without the claim's node pin: copy mode.
  if (reason === 'Unschedulable') env.ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE = 'copy'
  const started = Date.now()
  const run = await runHook(
    'prepare_job',
    { container: jobContainer(job.work, overrides), services: [] },
    null,
    job.work,
    env
  )
  expect(run.code).not.toBe(0)
  expect(Date.now() - started).toBeLessThan(30_000)
  expect(run.stdout).toMatch(message)
  await expectNothingLeft(job.c)
})

test('a service that exits while starting fails fast with its exit code', async () => {
  const service = busybox({ entryPoint: 'sh', entryPointArgs: ['-c', '"exit', '4"'] })
  const run = await runHook('prepare_job', { container: null, services: [service] }, null, job.work)
  expect(run.code).not.toBe(0)
  expect(run.stdout).toMatch(/::error::.*container busybox exited with code 4/)
  await expectNothingLeft(job.c)
})

test('a runner image without externals fails fast, naming the variables to fix', async () => {
  const started = Date.now()
  const run = await runHook(
    'prepare_job',
    { container: jobContainer(job.work), services: [] },
    null,
    job.work,
    { ACTIONS_RUNNER_IMAGE: 'container-hooks-test/busybox:1' }
  )
  expect(run.code).not.toBe(0)
  expect(Date.now() - started).toBeLessThan(30_000)
  expect(run.stdout).toMatch(
    /::error::Job pod \S+ failed to start: container externals failed with code 1: the runner image container-hooks-test\/busybox:1 has no externals folder \/home\/runner\/externals: set ACTIONS_RUNNER_IMAGE .* ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_EXTERNALS/
  )
  expect(run.stdout.match(/::error::/g)).toHaveLength(1)
  await expectNothingLeft(job.c)
})

test('the runner pod image seeds /__e with a node that a glibc job container runs', async () => {
  const run = await prepareJob(job.work, { image: 'container-hooks-test/node:1' })
  const step = expectSuccess(
    await runHook(
      'run_script_step',
      {
        ...scriptStep(job.work, ''),
        entryPoint: '/__e/node24/bin/node',
        entryPointArgs: ['-e', 'console.log(process.version)']
      },
      run.state,
      job.work
    )
  )
  expect(step.stdout).toMatch(/^v24\./m)
})

test("a failed step marks the job pod, so cleanup_job shows the job container's logs", async () => {
  const run = await prepareJob(job.work, {
    entryPoint: 'sh',
    entryPointArgs: [
      '-c',
      '"echo',
      'job-container-log-line;',
      'trap',
      "'exit",
      "0'",
      'TERM;',
      'while',
      ':;',
      'do',
      'sleep',
      '1;',
      'done"'
    ]
  })
  const ok = await runStep(job.work, 'true', run.state)
  expect(ok.response).toBeUndefined()
  const before = await readPod(job.c, run.state.pod as string)
  expect(before.metadata?.annotations?.['container-hooks.github.io/step-failed']).toBeUndefined()
  const failed = await runHook(
    'run_script_step',
    scriptStep(job.work, 'printf done; exit 3'),
    run.state,
    job.work
  )
  expect(failed.code).toBe(3)
  // The step's last line has no newline: the hook's error line still starts a line of its own.
  expect(failed.stdout).toContain('done\n::error::The step failed with exit code 3\n')
  // The runner drops a failed step's response: cleanup_job gets the state prepare_job saved.
  const pod = await readPod(job.c, run.state.pod as string)
  expect(pod.metadata?.annotations?.['container-hooks.github.io/step-failed']).toBe('3')
  const cleanup = expectSuccess(await runHook('cleanup_job', {}, run.state, job.work))
  expect(cleanup.stdout).toContain('::group::Logs of the job container (last 50 lines)')
  expect(cleanup.stdout).toContain('job-container-log-line')
})

test('a bad template is one error naming the field, and nothing is created', async () => {
  const template = join(job.work.temp, 'bad-template.yaml')
  writeFileSync(template, 'spec:\n  containers:\n    - image: x\n')
  const run = await runHook(
    'prepare_job',
    { container: jobContainer(job.work), services: [] },
    null,
    job.work,
    {
      ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: template
    }
  )
  expect(run.code).not.toBe(0)
  expect(run.stdout).toContain('spec.containers[0].name must be a non-empty string')
})

test('isAlpine is true for an Alpine job container', async () => {
  const run = await prepareJob(job.work, { image: 'container-hooks-test/alpine:1' })
  expect(run.isAlpine).toBe(true)
})

test('a job container whose image entrypoint would exit stays alive and runs steps', async () => {
  // node:1 has no long-running default command: the hook's keep-alive replaces it.
  const run = await prepareJob(job.work, { image: 'container-hooks-test/node:1' })
  const state = run.state
  const step = await runStep(job.work, 'echo alive', state)
  expect(step.stdout).toContain('alive')
})

describe('private images', () => {
  const registry = {
    serverUrl: process.env.HOOKS_REGISTRY!,
    username: process.env.HOOKS_REGISTRY_USER!,
    password: process.env.HOOKS_REGISTRY_PASSWORD!
  }
  const image = process.env.HOOKS_REGISTRY_IMAGE!
  // Always pull, so an image already on the node cannot hide a secret that does not work.
  const env = (): Record<string, string> => {
    const template = join(job.work.temp, 'always-pull.yaml')
    writeFileSync(
      template,
      [
        'spec:',
        '  containers:',
        '    - { name: $job, imagePullPolicy: Always }',
        '    - { name: $busybox, imagePullPolicy: Always }'
      ].join('\n')
    )
    return { ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: template }
  }
  const args = (withCredentials: boolean) => ({
    container: jobContainer(job.work, { image, registry: withCredentials ? registry : null }),
    services: [
      busybox({
        image,
        registry: withCredentials ? registry : null,
        entryPoint: 'sh',
        entryPointArgs: ['-c', '"sleep', '600"']
      })
    ]
  })

  beforeAll(() => {
    if (!registry.serverUrl || !image)
      throw new Error('HOOKS_REGISTRY/HOOKS_REGISTRY_IMAGE are not set: eval "$(scripts/k8s/env)"')
  })

  test('the job container and a service pull with the job registry credentials', async () => {
    const run = expectSuccess(await runHook('prepare_job', args(true), null, job.work, env()))
    // Only the runner's mask request carries the password.
    const lines = run.stdout.split('\n').filter(line => line.includes(registry.password))
    expect(lines).toEqual([`::add-mask::${registry.password}`])
    const pod = await readPod(job.c, (run.response as PrepareJobResponse).state!.pod as string)
    expect(pod.spec!.imagePullSecrets).toHaveLength(1)
    expect(pod.spec!.containers.map(c => [c.name, c.image, c.imagePullPolicy])).toEqual([
      ['job', image, 'Always'],
      ['busybox', image, 'Always'],
      // The runner image the externals are copied from: the node already has it.
      ['externals', 'container-hooks-test/runner:1', 'IfNotPresent']
    ])
  })

  test('without the credentials the same pull is refused', async () => {
    const run = await runHook('prepare_job', args(false), null, job.work, env())
    expect(run.code).not.toBe(0)
    expect(run.stdout).toMatch(
      /failed to start: container (job|busybox): (ErrImagePull|ImagePullBackOff)/
    )
    await expectNothingLeft(job.c)
  })
})
