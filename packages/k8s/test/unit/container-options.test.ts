import { InputError, type PrepareJobArgs } from '@container-hooks/hooklib'
import {
  containerOptions,
  cpuQuantity,
  ignoredOptionsWarning,
  jobOptions,
  memoryQuantity
} from '../../src/specs/container-options'
import { jobPodSpec } from '../../src/specs/job-pod'
import { busybox } from '../helpers/containers'

const FIELD = 'args.services[1].createOptions'
const map = (raw: string | null, env: NodeJS.ProcessEnv = {}) => containerOptions(raw, FIELD, env)

function pod(args: PrepareJobArgs, serviceNames = args.services.map((_, i) => `s${i}`)) {
  return jobPodSpec({
    name: 'p',
    labels: {},
    ...args,
    serviceNames,
    options: jobOptions(args, {}),
    storage: { mode: 'copy' },
    externalsDir: '/e'
  })
}

describe('quantities', () => {
  test.each([
    [1, '1'],
    [0.5, '500m'],
    [1.5, '1500m'],
    [2, '2'],
    [0.0001, '1m']
  ])('--cpus %p is %p', (cpus, quantity) => expect(cpuQuantity(cpus)).toBe(quantity))

  test.each([
    [256 * 2 ** 20, '256Mi'],
    [2 ** 30, '1Gi'],
    [1.5 * 2 ** 30, '1536Mi'],
    [64 * 2 ** 10, '64Ki'],
    [1000, '1000']
  ])('%p bytes is %p', (bytes, quantity) => expect(memoryQuantity(bytes)).toBe(quantity))
})

describe('containerOptions', () => {
  test('no options: nothing set, nothing ignored', () => {
    expect(map(null)).toEqual({ env: [], hostAliases: [], localNames: [], ignored: [] })
    expect(map('')).toEqual(map(null))
  })

  test('--cpus and --memory become limits (Kubernetes requests the same)', () => {
    expect(map('--cpus 1 --memory 256m').resources).toEqual({
      limits: { cpu: '1', memory: '256Mi' }
    })
    expect(map('--cpus=0.5').resources).toEqual({ limits: { cpu: '500m' } })
    expect(map('-m 1g').resources).toEqual({ limits: { memory: '1Gi' } })
  })

  test('--user: numeric uid[:gid], root is 0; a name is a clear error naming the field', () => {
    expect(map('--user 1000').securityContext).toEqual({ runAsUser: 1000 })
    expect(map('-u 1000:2000').securityContext).toEqual({ runAsUser: 1000, runAsGroup: 2000 })
    expect(map('--user root:root').securityContext).toEqual({ runAsUser: 0, runAsGroup: 0 })
    expect(() => map('--user postgres')).toThrow(InputError)
    expect(() => map('--user postgres')).toThrow(
      `${FIELD}: --user "postgres": Kubernetes needs a numeric uid[:gid]`
    )
    expect(() => map('--user 1000:staff')).toThrow(/--user "1000:staff"/)
    expect(() => map('--user 1:2:3')).toThrow(`${FIELD}: --user "1:2:3" must be uid[:gid]`)
  })

  test('--cap-add/--cap-drop without CAP_, --privileged', () => {
    expect(
      map('--cap-add NET_ADMIN --cap-add cap_sys_time --cap-drop ALL --privileged').securityContext
    ).toEqual({
      capabilities: { add: ['NET_ADMIN', 'SYS_TIME'], drop: ['ALL'] },
      privileged: true
    })
  })

  test('-e/--env, with NAME alone copied from the hook environment when set', () => {
    expect(map('-e A=1 --env B= -e C -e MISSING --env=D=x=y', { C: 'from-host' }).env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '' },
      { name: 'C', value: 'from-host' },
      { name: 'D', value: 'x=y' }
    ])
  })

  test('--entrypoint, --workdir, --shm-size, --hostname, --add-host, --network-alias', () => {
    expect(
      map(
        '--entrypoint /bin/run -w /srv --shm-size 64m -h db --add-host gw:10.0.0.1 --network-alias cache'
      )
    ).toEqual({
      env: [],
      entrypoint: '/bin/run',
      workingDir: '/srv',
      shmSize: '64Mi',
      hostname: 'db',
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['gw'] }],
      localNames: ['cache'],
      ignored: []
    })
  })

  test('a hostname Kubernetes refuses is an error naming the field', () => {
    expect(() => map('--hostname db.example.com')).toThrow(
      `${FIELD}: --hostname "db.example.com" is not a valid pod hostname`
    )
    expect(() => map('--hostname DB')).toThrow(InputError)
  })

  test('every flag without a Kubernetes equivalent is listed once, nothing else', () => {
    const o = map(
      '--ulimit nofile=1024 --label a=b --label c=d --init --memory-swap -1 --tmpfs /run -v /a:/b --mount type=tmpfs,target=/x --ipc host --pid host --gpus all --network host --rm'
    )
    expect(o.ignored).toEqual([
      '--gpus',
      '--network',
      '--rm',
      '--memory-swap',
      '--tmpfs',
      '--ulimit',
      '--mount',
      '--volume',
      '--label',
      '--init',
      '--ipc',
      '--pid'
    ])
  })

  test('a malformed options string is one InputError naming the field', () => {
    expect(() => map('--cpus lots')).toThrow(`${FIELD}: --cpus needs a positive number`)
    expect(() => map('--memory')).toThrow(`${FIELD}: --memory needs a value`)
    expect(() => map('--health-cmd "exit 1')).toThrow(`${FIELD}: unterminated " quote`)
    expect(() => map('--health-interval soon')).toThrow(`${FIELD}: --health-interval`)
    expect(() => map('-e A=1 | cat')).toThrow(`${FIELD}: unexpected "|"`)
  })
})

describe('jobOptions and the pod', () => {
  const svc = (createOptions: string | null, image = 'redis:7') => busybox({ image, createOptions })

  test('one hostname per pod: the job container first, then the first service; others warned', () => {
    const args = {
      container: busybox({ createOptions: '--hostname runner' }),
      services: [svc('--hostname db'), svc('--hostname runner')]
    }
    const options = jobOptions(args, {})
    expect(options.hostname).toBe('runner')
    expect(options.services.map(o => o.ignored)).toEqual([['--hostname (one per pod)'], []])
    expect(pod(args).spec!.hostname).toBe('runner')
    const serviceOnly = { container: null, services: [svc(null), svc('-h db')] }
    expect(pod(serviceOnly).spec!.hostname).toBe('db')
    expect(pod({ container: null, services: [svc(null)] }).spec!.hostname).toBeUndefined()
  })

  test('one warning line naming each container and its ignored flags', () => {
    const args = {
      container: busybox({ createOptions: '--ulimit nofile=1 --cpus 1' }),
      services: [svc('--memory 1g'), svc('--init --label a=b', 'postgres:16')]
    }
    expect(ignoredOptionsWarning(args, jobOptions(args, {}))).toBe(
      'These options have no Kubernetes equivalent and were ignored: args.container.createOptions (container-hooks-test/busybox:1): --ulimit; args.services[1].createOptions (postgres:16): --label, --init'
    )
    const clean = { container: null, services: [svc('--cpus 2')] }
    expect(ignoredOptionsWarning(clean, jobOptions(clean, {}))).toBeUndefined()
  })

  test('an error names the container it came from', () => {
    const args = { container: busybox({ createOptions: '--user app' }), services: [] }
    expect(() => jobOptions(args, {})).toThrow(/^args\.container\.createOptions: --user "app"/)
    const services = { container: null, services: [svc(null), svc('--cpus x')] }
    expect(() => jobOptions(services, {})).toThrow(/^args\.services\[1\]\.createOptions: --cpus/)
  })

  test('options land on their containers; the runner entrypoint wins over --entrypoint', () => {
    const args = {
      container: busybox({
        createOptions: '--cpus 2 --memory 1g -e X=1 --shm-size 128m -w /w --cap-add NET_ADMIN',
        environmentVariables: { X: '0' },
        workingDirectory: '/__w/r/r'
      }),
      services: [
        svc('--entrypoint /start --user 999:999 --health-cmd "redis-cli ping" --shm-size 1g'),
        busybox({ image: 'x:1', entryPoint: 'run', createOptions: '--entrypoint ignored' })
      ]
    }
    const spec = pod(args, ['redis', 'x']).spec!
    const [job, redis, x] = spec.containers
    expect(job.resources).toEqual({ limits: { cpu: '2', memory: '1Gi' } })
    expect(job.env!.filter(e => e.name === 'X')).toEqual([
      { name: 'X', value: '0' },
      { name: 'X', value: '1' }
    ])
    expect(job.workingDir).toBe('/w')
    expect(job.securityContext).toEqual({ capabilities: { add: ['NET_ADMIN'] } })
    expect(job.volumeMounts).toContainEqual({ name: 'shm-job', mountPath: '/dev/shm' })
    expect(redis.command).toEqual(['/start'])
    expect(redis.securityContext).toEqual({ runAsUser: 999, runAsGroup: 999 })
    expect(redis.startupProbe?.exec?.command).toEqual(['/bin/sh', '-c', 'redis-cli ping'])
    expect(redis.volumeMounts).toEqual([{ name: 'shm-service-0', mountPath: '/dev/shm' }])
    expect(x.command).toEqual(['run'])
    expect(spec.volumes!.slice(2)).toEqual([
      { name: 'shm-job', emptyDir: { medium: 'Memory', sizeLimit: '128Mi' } },
      { name: 'shm-service-0', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }
    ])
  })

  test('a job container --entrypoint replaces the keep-alive', () => {
    const args = { container: busybox({ createOptions: '--entrypoint /init' }), services: [] }
    expect(pod(args).spec!.containers[0].command).toEqual(['/init'])
  })

  test('network aliases resolve to localhost with the service names; --add-host follows', () => {
    const args = {
      container: busybox({ createOptions: '--add-host gw:10.0.0.1' }),
      services: [svc('--network-alias cache --network-alias redis'), svc(null, 'pg:1')]
    }
    expect(pod(args, ['redis', 'pg']).spec!.hostAliases).toEqual([
      { ip: '127.0.0.1', hostnames: ['redis', 'pg', 'cache'] },
      { ip: '10.0.0.1', hostnames: ['gw'] }
    ])
  })
})
