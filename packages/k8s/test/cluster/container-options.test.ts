// `options:` (createOptions) of the job container and the services on the real local cluster
// under the minimal Role: what Kubernetes can express shows up in the created pod and in the
// steps; every other flag is named in one warning line; a bad value is one error.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/container-options.test.ts
import type { PrepareJobResponse } from '@container-hooks/hooklib'
import { busybox } from '../helpers/containers'
import { expectSuccess, jobContainer, runHook, runStep } from '../helpers/hook'
import { cleanUpAfterEach, readPod, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const job = useClusterJob()

cleanUpAfterEach(job)

// What a step prints: uid, gid, hostname, /dev/shm size, the NET_ADMIN bit (12) of the
// capability bounding set, and a variable from `-e`.
const PROBE_SCRIPT = [
  'echo "uid=$(id -u) gid=$(id -g) host=$(hostname)"',
  'echo "shm=$(df -k /dev/shm | tail -1 | awk \'{print $2}\')"',
  "bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)",
  'echo "net_admin=$(( (0x$bnd >> 12) & 1 ))"',
  'echo "env=$FROM_OPTIONS"'
].join('\n')

test('job and service options show up in the pod and the steps; ignored flags are warned once', async () => {
  const run = expectSuccess(
    await runHook(
      'prepare_job',
      {
        container: jobContainer(job.work, {
          createOptions:
            '--cpus 1 --memory 256m --cap-add NET_ADMIN --shm-size 64m --user 1000:1000 --hostname build-box -e FROM_OPTIONS=yes --ulimit nofile=1024'
        }),
        services: [
          busybox({
            entryPoint: 'sh',
            entryPointArgs: ['-c', '"sleep', '600"'],
            createOptions: '--cpus 0.5 --memory 64m --network-alias cache --label team=ci'
          })
        ]
      },
      null,
      job.work
    )
  )
  const warnings = run.stdout.split('\n').filter(line => line.startsWith('::warning::'))
  expect(warnings).toEqual([
    '::warning::These options have no Kubernetes equivalent and were ignored: args.container.createOptions (container-hooks-test/busybox:1): --ulimit; args.services[0].createOptions (container-hooks-test/busybox:1): --label'
  ])
  const state = (run.response as PrepareJobResponse).state!
  const pod = await readPod(job.c, state.pod as string)
  const [jobSpec, service] = pod.spec!.containers
  expect(jobSpec.resources).toEqual({
    limits: { cpu: '1', memory: '256Mi' },
    requests: { cpu: '1', memory: '256Mi' }
  })
  expect(service.resources?.limits).toEqual({ cpu: '500m', memory: '64Mi' })
  expect(jobSpec.securityContext).toEqual({
    runAsUser: 1000,
    runAsGroup: 1000,
    capabilities: { add: ['NET_ADMIN'] }
  })
  expect(pod.spec!.hostname).toBe('build-box')
  expect(pod.spec!.volumes).toContainEqual({
    name: 'shm-job',
    emptyDir: { medium: 'Memory', sizeLimit: '64Mi' }
  })
  expect(pod.spec!.hostAliases).toEqual([{ ip: '127.0.0.1', hostnames: ['busybox', 'cache'] }])
  const step = await runStep(job.work, PROBE_SCRIPT, state)
  expect(step.stdout).toContain('uid=1000 gid=1000 host=build-box')
  expect(step.stdout).toContain('shm=65536')
  expect(step.stdout).toContain('net_admin=1')
  expect(step.stdout).toContain('env=yes')
})

test('a malformed options string is one error naming the field, and nothing is created', async () => {
  const run = await runHook(
    'prepare_job',
    {
      container: jobContainer(job.work),
      services: [busybox(), busybox({ createOptions: '--user postgres' })]
    },
    null,
    job.work
  )
  expect(run.code).not.toBe(0)
  expect(run.stdout.split('\n').filter(line => line.startsWith('::error::'))).toEqual([
    expect.stringMatching(
      /^::error::args\.services\[1\]\.createOptions: --user "postgres": Kubernetes needs a numeric uid\[:gid\]/
    )
  ])
})
