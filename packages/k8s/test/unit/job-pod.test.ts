import { jobOptions } from '../../src/specs/container-options'
import { contextPorts, jobPodSpec, KEEP_ALIVE, type JobPodInput } from '../../src/specs/job-pod'
import { busybox } from '../helpers/containers'

/** The options are mapped from the containers' createOptions unless given. */
function input(overrides: Partial<JobPodInput> = {}): JobPodInput {
  const base: Omit<JobPodInput, 'options'> = {
    name: 'runner-0-job-abc',
    labels: { l: 'v' },
    container: busybox({
      environmentVariables: { HOME: '/github/home', FOO: 'bar' },
      workingDirectory: '/__w/r/r'
    }),
    services: [],
    serviceNames: [],
    storage: { mode: 'volume', claimName: 'runner-0-work', node: 'node-a', pinWithAffinity: false },
    runnerImage: 'runner:1',
    externalsDir: '/home/runner/externals',
    ...overrides
  }
  return { ...base, options: overrides.options ?? jobOptions(base, {}) }
}

describe('jobPodSpec', () => {
  test('job container: keep-alive, env defaults, working dir, runner paths', () => {
    const pod = jobPodSpec(input())
    const job = pod.spec!.containers[0]
    expect(job.name).toBe('job')
    expect(job.command).toEqual(KEEP_ALIVE)
    expect(job.workingDir).toBe('/__w/r/r')
    expect(job.env).toEqual(
      expect.arrayContaining([
        { name: 'HOME', value: '/github/home' },
        { name: 'GITHUB_ACTIONS', value: 'true' },
        { name: 'CI', value: 'true' },
        { name: 'FOO', value: 'bar' }
      ])
    )
    expect(job.volumeMounts!.map(m => m.mountPath)).toEqual([
      '/__w',
      '/__e',
      '/github/home',
      '/github/workflow'
    ])
    // The externals copy runs beside the job container (last), not before it.
    expect(pod.spec!.initContainers).toBeUndefined()
    expect(pod.spec!.containers.map(c => [c.name, c.image])).toEqual([
      ['job', 'container-hooks-test/busybox:1'],
      ['externals', 'runner:1']
    ])
    expect(pod.spec!.restartPolicy).toBe('Never')
    expect(pod.metadata).toEqual({ name: 'runner-0-job-abc', labels: { l: 'v' } })
  })

  test('the externals container fails with a message naming the variables', () => {
    const init = jobPodSpec(input({ externalsDir: '/opt/ext/' })).spec!.containers.at(-1)!
    expect(init.terminationMessagePolicy).toBe('FallbackToLogsOnError')
    expect(init.command!.slice(3)).toEqual([
      '/opt/ext',
      expect.stringMatching(
        /runner image runner:1 has no externals folder \/opt\/ext: set ACTIONS_RUNNER_IMAGE .* ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_EXTERNALS/
      ) as string
    ])
  })

  test('an entrypoint replaces the keep-alive; args are re-tokenized', () => {
    const job = jobPodSpec(
      input({
        container: busybox({ entryPoint: 'sh', entryPointArgs: ['-c', '"sleep', '1000"'] })
      })
    ).spec!.containers[0]
    expect(job.command).toEqual(['sh'])
    expect(job.args).toEqual(['-c', 'sleep 1000'])
  })

  test('volume mode: the claim, nodeName for ReadWriteOnce, affinity with the kube scheduler', () => {
    const pinned = jobPodSpec(input()).spec!
    expect(pinned.volumes![0]).toEqual({
      name: 'work',
      persistentVolumeClaim: { claimName: 'runner-0-work' }
    })
    expect(pinned.nodeName).toBe('node-a')
    const scheduled = jobPodSpec(
      input({ storage: { mode: 'volume', claimName: 'c', node: 'node-a', pinWithAffinity: true } })
    ).spec!
    expect(scheduled.nodeName).toBeUndefined()
    expect(JSON.stringify(scheduled.affinity)).toContain('node-a')
    const free = jobPodSpec(
      input({ storage: { mode: 'volume', claimName: 'c', pinWithAffinity: false } })
    ).spec!
    expect(free.nodeName).toBeUndefined()
    expect(free.affinity).toBeUndefined()
  })

  test('copy mode: an emptyDir, free placement', () => {
    const spec = jobPodSpec(input({ storage: { mode: 'copy' } })).spec!
    expect(spec.volumes![0]).toEqual({ name: 'work', emptyDir: {} })
    expect(spec.nodeName).toBeUndefined()
  })

  test('services are containers in input order; hostPort only when asked; pull secret', () => {
    const pod = jobPodSpec(
      input({
        services: [
          busybox({ image: 'redis:7', portMappings: ['6379'] }),
          busybox({
            image: 'postgres:16',
            portMappings: ['5433:5432/tcp'],
            environmentVariables: { P: '1' }
          })
        ],
        serviceNames: ['redis', 'postgres'],
        pullSecret: 'pull-1'
      })
    )
    const [, redis, postgres] = pod.spec!.containers
    expect(redis).toMatchObject({
      name: 'redis',
      image: 'redis:7',
      ports: [{ containerPort: 6379, protocol: 'TCP' }]
    })
    expect(redis.ports![0].hostPort).toBeUndefined()
    expect(redis.command).toBeUndefined()
    expect(postgres.ports).toEqual([{ containerPort: 5432, hostPort: 5433, protocol: 'TCP' }])
    expect(postgres.env).toEqual([{ name: 'P', value: '1' }])
    expect(pod.spec!.imagePullSecrets).toEqual([{ name: 'pull-1' }])
    expect(pod.spec!.hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: ['redis', 'postgres'] }])
  })

  test('service-only job: no job container, no init container', () => {
    const spec = jobPodSpec(
      input({
        container: null,
        services: [busybox({ image: 'redis:7' })],
        serviceNames: ['redis']
      })
    ).spec!
    expect(spec.containers.map(c => c.name)).toEqual(['redis'])
    expect(spec.initContainers).toBeUndefined()
  })

  test('context ports: the host port asked for, else the container port (pods share localhost)', () => {
    expect(contextPorts(busybox({ portMappings: ['80', '8080:81/udp'] }))).toEqual({
      '80': '80',
      '81': '8080'
    })
  })
})
