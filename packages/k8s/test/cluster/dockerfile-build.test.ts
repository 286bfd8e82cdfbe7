/**
 * Dockerfile actions on the real cluster, as the minimal-Role "hook" account: buildActionImage
 * builds in a Kaniko builder pod, pushes to the local registry (through the bridge address), and a
 * pod then runs the pushed image pulled by the kubelet with the pull secret. Needs
 * eval "$(scripts/k8s/env)" (it exports the ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_* and
 * BUILDER_* variables of this machine).
 */
import {
  CancelledError,
  ConfigError,
  createLogger,
  HookError,
  type HookContext
} from '@container-hooks/hooklib'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildActionImage, type BuiltImage } from '../../src/image-build/build-action-image'
import { kubeContext } from '../../src/context'
import { cluster, expectNothingLeft, runnerObjects, type Cluster } from '../helpers/pods'
import { podSummary, uniqueName, waitFor } from '../support/cluster'

jest.setTimeout(300_000)

let c: Cluster
let root: string
const output: string[] = []

beforeAll(() => {
  // Its own runner name: other files' cleanup_job (runner-0) never deletes its builder pods, and
  // its "nothing left" checks see only what it made. buildActionImage never reads the runner pod.
  process.env.ACTIONS_RUNNER_POD_NAME = 'dockerfile-build-test'
  c = cluster()
  root = mkdtempSync(join(tmpdir(), 'dockerfile-build-'))
  const write = process.stdout.write.bind(process.stdout)
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(chunk.toString())
    return write(chunk)
  })
})

afterAll(() => {
  jest.restoreAllMocks()
  rmSync(root, { recursive: true, force: true })
})

beforeEach(() => {
  output.length = 0
})

/** A downloaded action's folder, `_actions/octo/<name>/v1`, with these files. */
function action(name: string, files: Record<string, string>): string {
  const dir = join(root, '_work/_actions/octo', name, 'v1')
  mkdirSync(dir, { recursive: true })
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(dir, file), text)
    if (file.endsWith('.sh')) chmodSync(join(dir, file), 0o755)
  }
  return join(dir, 'Dockerfile')
}

function hookContext(signal = new AbortController().signal, env = process.env): HookContext {
  return {
    command: 'run_container_step',
    state: null,
    responseFile: '',
    signal,
    env,
    log: createLogger({ write: text => void process.stdout.write(text) }),
    stdout: process.stdout,
    stderr: process.stderr
  }
}

async function build(dockerfile: string, ctx = hookContext()): Promise<BuiltImage> {
  return buildActionImage(dockerfile, await kubeContext(ctx.env), ctx, undefined)
}

function printed(): string {
  return output.join('')
}

/** Runs `image` in a pod pulled by the kubelet (never a local copy): its exit code and log. */
async function runImage(built: BuiltImage, args: string[]): Promise<{ code: number; log: string }> {
  const name = uniqueName('built-image')
  const namespace = c.env.namespace
  await c.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { 'app.kubernetes.io/part-of': 'container-hooks-build-test' } },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        imagePullSecrets: built.pullSecret ? [{ name: built.pullSecret }] : [],
        containers: [{ name: 'main', image: built.image, imagePullPolicy: 'Always', args }]
      }
    }
  })
  try {
    const pod = await waitFor(
      `pod ${name} to finish`,
      120_000,
      async () => {
        const p = await c.core.readNamespacedPod({ name, namespace })
        return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined
      },
      async () => podSummary(await c.core.readNamespacedPod({ name, namespace }))
    )
    const log = await c.core.readNamespacedPodLog({ name, namespace, container: 'main' })
    return { code: pod.status!.containerStatuses![0].state!.terminated!.exitCode, log }
  } finally {
    await c.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
  }
}

function builderPodName(): string {
  const match = /in pod (\S+)/.exec(printed())
  if (!match) throw new Error(`no builder pod in the output:\n${printed()}`)
  return match[1]
}

test('builds a Dockerfile action in a builder pod, pushes it, and a pod runs the pushed image', async () => {
  const token = randomBytes(6).toString('hex')
  const dockerfile = action('hello', {
    Dockerfile: [
      'FROM container-hooks-test/busybox:1',
      'COPY entrypoint.sh /entrypoint.sh',
      'ENTRYPOINT ["/entrypoint.sh"]',
      ''
    ].join('\n'),
    'entrypoint.sh': `#!/bin/sh\necho "hello $1 (${token}) $(stat -c %u:%g /entrypoint.sh)"\nexit 3\n`
  })
  // Owned by the runner's user on the host, by root in the image (as with docker build).
  chownSync(join(dockerfile, '../entrypoint.sh'), 1001, 1001)
  const built = await build(dockerfile)
  expect(built.image).toMatch(
    new RegExp(
      `^${process.env.ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST}/octo-hello:[0-9a-f]{24}$`
    )
  )
  expect(built.pullSecret).toBe(process.env.ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME)
  // Kaniko's own output streamed into the step log, inside a group.
  expect(printed()).toMatch(/::group::Building .*octo-hello.* in pod /)
  expect(printed()).toContain('Pushed ')
  expect(printed()).toContain('::endgroup::')
  await expectNothingLeft(c)

  expect(await runImage(built, ['Mona'])).toEqual({ code: 3, log: `hello Mona (${token}) 0:0\n` })

  // Same context again: the registry has the tag, no builder pod.
  output.length = 0
  expect(await build(dockerfile)).toEqual(built)
  expect(printed()).toMatch(/Using .*octo-hello.*: the registry has the image/)
  expect(printed()).not.toContain('::group::')
})

test('a bad Dockerfile fails with the builder message and leaves no pod', async () => {
  const dockerfile = action('broken', {
    Dockerfile: 'FROM container-hooks-test/busybox:1\nNOSUCHINSTRUCTION here\n'
  })
  const failure = await build(dockerfile).then(
    () => undefined,
    (err: unknown) => err
  )
  expect(failure).toBeInstanceOf(HookError)
  expect((failure as Error).message).toMatch(
    /^Building the image of .*broken\/v1\/Dockerfile failed \(the builder exited with code 1\): .*unknown instruction: NOSUCHINSTRUCTION/i
  )
  builderPodName()
  await expectNothingLeft(c)
})

test('a failing RUN fails with its output; the template applies; cancelling deletes the builder pod', async () => {
  const failing = action('failing-run', {
    Dockerfile: 'FROM container-hooks-test/busybox:1\nRUN echo "about to fail" && exit 7\n'
  })
  await expect(build(failing)).rejects.toThrow(/exit status 7|exit code: 7|exited with code/)
  expect(printed()).toContain('about to fail')
  await expectNothingLeft(c)

  output.length = 0
  const controller = new AbortController()
  const slow = action('slow', {
    Dockerfile: `FROM container-hooks-test/busybox:1\nRUN sleep 300 # ${randomBytes(4).toString('hex')}\n`
  })
  // The pod template applies to builder pods: pod fields and $builder, never $job.
  const template = join(root, 'template.yaml')
  writeFileSync(
    template,
    [
      'metadata: { labels: { team: builds } }',
      'spec:',
      `  nodeSelector: { kubernetes.io/hostname: ${c.env.nodeName} }`,
      '  containers:',
      '    - { name: $job, env: [{ name: FROM_JOB, value: "1" }] }',
      '    - { name: $builder, env: [{ name: FROM_BUILDER, value: "1" }] }',
      ''
    ].join('\n')
  )
  const env = { ...process.env, ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: template }
  const running = build(slow, hookContext(controller.signal, env))
  await waitFor('the build to run its RUN instruction', 120_000, () =>
    Promise.resolve(printed().includes('RUN sleep 300') ? true : undefined)
  )
  const pod = await c.core.readNamespacedPod({ name: builderPodName(), namespace: c.env.namespace })
  expect(pod.metadata?.labels?.team).toBe('builds')
  expect(pod.spec?.nodeSelector).toEqual({ 'kubernetes.io/hostname': c.env.nodeName })
  expect(pod.spec?.containers).toHaveLength(1)
  const env0 = pod.spec!.containers[0].env!.map(e => e.name)
  expect(env0).toContain('FROM_BUILDER')
  expect(env0).not.toContain('FROM_JOB')
  expect(pod.spec!.containers[0].securityContext?.privileged).toBe(false)
  const started = Date.now()
  controller.abort(new CancelledError())
  await expect(running).rejects.toBeInstanceOf(CancelledError)
  expect(Date.now() - started).toBeLessThan(7_500)
  const pods = await c.core.listNamespacedPod({ namespace: c.env.namespace })
  const builder = pods.items.find(p => p.metadata?.name === builderPodName())
  // Deleted (or being deleted) when the build returned.
  expect(builder === undefined || builder.metadata?.deletionTimestamp !== undefined).toBe(true)
  await expectNothingLeft(c)
})

test('a builder image that cannot be pulled fails fast with the reason, leaving no pod', async () => {
  const env = {
    ...process.env,
    ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_BUILDER_IMAGE: 'container-hooks-test/no-such-builder:1'
  }
  const dockerfile = action('no-builder', { Dockerfile: 'FROM container-hooks-test/busybox:1\n' })
  await expect(build(dockerfile, hookContext(undefined, env))).rejects.toThrow(
    /^The builder pod did not start \(ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_BUILDER_IMAGE=container-hooks-test\/no-such-builder:1\): .*(ErrImagePull|ImagePullBackOff)/
  )
  await expectNothingLeft(c)
})

test('not configured: one ConfigError naming the variables, nothing created', async () => {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.includes('_K8S_REGISTRY_'))
  )
  const dockerfile = action('unconfigured', { Dockerfile: 'FROM container-hooks-test/busybox:1\n' })
  const before = await runnerObjects(c)
  await expect(build(dockerfile, hookContext(undefined, env))).rejects.toThrow(ConfigError)
  await expect(build(dockerfile, hookContext(undefined, env))).rejects.toThrow(
    /set ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST .* and ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME/
  )
  expect(await runnerObjects(c)).toEqual(before)
})

test('a missing registry secret is a ConfigError before any pod is made', async () => {
  const env = {
    ...process.env,
    ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME: 'no-such-secret'
  }
  const dockerfile = action('no-secret', { Dockerfile: 'FROM container-hooks-test/busybox:1\n' })
  await expect(build(dockerfile, hookContext(undefined, env))).rejects.toThrow(
    /REGISTRY_SECRET_NAME=no-such-secret: no such secret in namespace/
  )
  expect((await runnerObjects(c)).pods).toEqual([])
})
