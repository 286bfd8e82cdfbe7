import type { MountVolume } from '@container-hooks/hooklib'
import { mergeTemplate, parseTemplate } from '../../src/specs/template-merge'
import {
  stepEnv,
  stepMounts,
  stepPodSpec,
  stepTemplate,
  syncRoots,
  SYNC_READY,
  type StepPodInput
} from '../../src/specs/step-pod'
import { containerStepSystemMounts } from '../../../hooklib/test/fixtures/payloads'
import { busybox } from '../helpers/containers'
import { containerOptions } from '../../src/specs/container-options'

const WORK = '/home/runner/_work'
const mount = (source: string, target: string, readOnly = false): MountVolume => ({
  userProvidedValue: null,
  sourceVolumePath: source,
  targetVolumePath: target,
  readOnly
})
function input(overrides: Partial<StepPodInput> = {}): StepPodInput {
  const container = busybox({
    workingDirectory: '/github/workspace',
    systemMountVolumes: containerStepSystemMounts
  })
  return {
    name: 'runner-0-step-abc',
    labels: { l: 'v' },
    image: 'img:1',
    container,
    env: [],
    mounts: stepMounts(container, WORK),
    storage: { mode: 'volume', claimName: 'runner-0-work', node: 'node-a', pinWithAffinity: false },
    syncImage: 'runner:1',
    pullSecrets: [],
    ...overrides
  }
}

describe('stepMounts', () => {
  test('the /github folders become subPaths of _work; the docker socket is left out', () => {
    expect(stepMounts(input().container, WORK)).toEqual([
      { subPath: '_temp', target: '/github/runner_temp', readOnly: false },
      { subPath: '_temp/_github_home', target: '/github/home', readOnly: false },
      { subPath: '_temp/_github_workflow', target: '/github/workflow', readOnly: false },
      { subPath: '_temp/_runner_file_commands', target: '/github/file_commands', readOnly: false },
      { subPath: 'repo/repo', target: '/github/workspace', readOnly: false }
    ])
  })

  test('a folder outside _work, or an unknown _work, is a clear error', () => {
    const outside = busybox({ systemMountVolumes: [mount('/srv/data', '/data')] })
    expect(() => stepMounts(outside, WORK)).toThrow(
      "The container step needs /srv/data at /data, but a step pod can only mount folders inside the runner's _work (/home/runner/_work)"
    )
    expect(() => stepMounts(input().container, '')).toThrow(/RUNNER_WORKSPACE is not set/)
  })

  test('copy mode sends each mounted folder once', () => {
    expect(syncRoots(input().mounts)).toEqual(['_temp', 'repo/repo'])
    expect(syncRoots([{ subPath: '', target: '/w', readOnly: false }, ...input().mounts])).toEqual([
      '.'
    ])
  })
})

describe('stepEnv', () => {
  test('values go into the Secret only; the container references them by key', () => {
    const { secret, env } = stepEnv('s', { a: 'b' }, { TOKEN: 'hunter2', 'INPUT_MY-INPUT': 'x' })
    expect(secret).toEqual({
      metadata: { name: 's', labels: { a: 'b' } },
      type: 'Opaque',
      immutable: true,
      stringData: { TOKEN: 'hunter2', 'INPUT_MY-INPUT': 'x' }
    })
    expect(env).toEqual([
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'TOKEN' } } },
      { name: 'INPUT_MY-INPUT', valueFrom: { secretKeyRef: { name: 's', key: 'INPUT_MY-INPUT' } } }
    ])
    expect(JSON.stringify(env)).not.toContain('hunter2')
  })

  test('names that cannot be Secret keys get generated keys that collide with nothing', () => {
    const { secret, env } = stepEnv(
      's',
      {},
      { 'MY VAR': '1', 'env.0': '2', '..x': '3', 'A=B': '4' }
    )
    expect(secret.stringData).toEqual({ 'env.0': '2', 'env.1': '1', 'env.2': '3' })
    expect(env.map(e => [e.name, e.valueFrom?.secretKeyRef?.key])).toEqual([
      ['env.0', 'env.0'],
      ['MY VAR', 'env.1'],
      ['..x', 'env.2']
    ])
  })

  test('NUL characters, which no process env can hold, are dropped', () => {
    expect(stepEnv('s', {}, { X: 'a\0b' }).secret.stringData).toEqual({ X: 'ab' })
  })
})

describe('stepPodSpec', () => {
  test('no entrypoint: the image ENTRYPOINT runs and the args replace its CMD', () => {
    const step = stepPodSpec(
      input({
        container: busybox({ entryPointArgs: ['sh', '-c', '"echo', 'hi"'] }),
        mounts: []
      })
    ).spec!.containers[0]
    expect(step.name).toBe('step')
    expect(step.command).toBeUndefined()
    expect(step.args).toEqual(['sh', '-c', 'echo hi'])
    const bare = stepPodSpec(input({ container: busybox(), mounts: [] })).spec!.containers[0]
    expect(bare.command).toBeUndefined()
    expect(bare.args).toBeUndefined()
  })

  test("the action's entrypoint replaces the image's", () => {
    const step = stepPodSpec(
      input({ container: busybox({ entryPoint: '/run.sh', entryPointArgs: [] }) })
    ).spec!.containers[0]
    expect(step.command).toEqual(['/run.sh'])
    expect(step.args).toEqual([])
  })

  test('volume mode: the claim with subPaths, pinned like the job pod, no sync container', () => {
    const pod = stepPodSpec(input())
    const spec = pod.spec!
    expect(pod.metadata).toEqual({ name: 'runner-0-step-abc', labels: { l: 'v' } })
    expect(spec.restartPolicy).toBe('Never')
    expect(spec.automountServiceAccountToken).toBe(false)
    expect(spec.containers.map(c => c.name)).toEqual(['step'])
    expect(spec.volumes).toEqual([
      { name: 'work', persistentVolumeClaim: { claimName: 'runner-0-work' } }
    ])
    expect(spec.nodeName).toBe('node-a')
    expect(spec.containers[0].workingDir).toBe('/github/workspace')
    expect(spec.containers[0].volumeMounts).toContainEqual({
      name: 'work',
      mountPath: '/github/workspace',
      subPath: 'repo/repo'
    })
  })

  test('copy mode: an emptyDir and a sync container first that holds the step back', () => {
    const spec = stepPodSpec(input({ storage: { mode: 'copy' }, syncTimeoutSeconds: 30 })).spec!
    expect(spec.volumes).toEqual([{ name: 'work', emptyDir: {} }])
    expect(spec.nodeName).toBeUndefined()
    const [sync, step] = spec.containers
    expect([sync.name, step.name]).toEqual(['sync', 'step'])
    expect(sync.image).toBe('runner:1')
    expect(sync.volumeMounts).toEqual([{ name: 'work', mountPath: '/__w' }])
    const wait = sync.lifecycle!.postStart!.exec!.command!.join(' ')
    expect(wait).toContain(SYNC_READY)
    expect(wait).toContain('-lt 300')
    expect(() => stepPodSpec(input({ storage: { mode: 'copy' }, syncImage: undefined }))).toThrow(
      /ACTIONS_RUNNER_IMAGE/
    )
  })

  test('services by name at the job pod IP; pull secrets', () => {
    const spec = stepPodSpec(
      input({ services: { ip: '10.0.0.7', names: ['redis'] }, pullSecrets: ['p1', 'p2'] })
    ).spec!
    expect(spec.hostAliases).toEqual([{ ip: '10.0.0.7', hostnames: ['redis'] }])
    expect(spec.imagePullSecrets).toEqual([{ name: 'p1' }, { name: 'p2' }])
    const plain = stepPodSpec(input()).spec!
    expect(plain.hostAliases).toBeUndefined()
    expect(plain.imagePullSecrets).toBeUndefined()
  })

  test("the template's $job merges into the step container, its pull secrets are added", () => {
    const template = parseTemplate(
      [
        'spec:',
        '  imagePullSecrets: [{ name: from-template }]',
        '  containers:',
        '    - name: $job',
        '      env: [{ name: EXTRA, value: "1" }]',
        '      resources: { limits: { cpu: "1" } }'
      ].join('\n'),
      't.yaml'
    )
    const pod = mergeTemplate(stepPodSpec(input({ pullSecrets: ['job'] })), stepTemplate(template))
    const step = pod.spec!.containers[0]
    expect(step.resources).toEqual({ limits: { cpu: '1' } })
    expect(step.env).toContainEqual({ name: 'EXTRA', value: '1' })
    expect(pod.spec!.imagePullSecrets).toEqual([{ name: 'job' }, { name: 'from-template' }])
    expect(template.spec!.containers![0].name).toBe('$job')
  })
})

describe("stepPodSpec with the step's createOptions", () => {
  test('applies what Kubernetes can express: resources, user, /dev/shm, extra hosts', () => {
    const options = containerOptions(
      '--cpus 1.5 --memory 256m --user 1000:1000 --shm-size 64m --add-host db:10.0.0.9',
      'args.createOptions',
      {}
    )
    const pod = stepPodSpec(input({ options, services: { ip: '10.244.0.7', names: ['redis'] } }))
    const step = pod.spec!.containers.find(c => c.name === 'step')!
    expect(step.resources).toEqual({ limits: { cpu: '1500m', memory: '256Mi' } })
    expect(step.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 })
    expect(step.volumeMounts).toContainEqual({ name: 'shm-step', mountPath: '/dev/shm' })
    expect(pod.spec!.volumes).toContainEqual({
      name: 'shm-step',
      emptyDir: { medium: 'Memory', sizeLimit: '64Mi' }
    })
    expect(pod.spec!.hostAliases).toEqual([
      { ip: '10.244.0.7', hostnames: ['redis'] },
      { ip: '10.0.0.9', hostnames: ['db'] }
    ])
  })

  test('a malformed options string is one error naming args.createOptions', () => {
    expect(() => containerOptions('--cpus "1', 'args.createOptions', {})).toThrow(
      /^args\.createOptions: /
    )
  })
})
