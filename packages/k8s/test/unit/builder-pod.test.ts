import { builderPodSpec, executorCommand } from '../../src/specs/builder-pod'
import { KEEP_ALIVE } from '../../src/specs/job-pod'
import { mergeTemplate } from '../../src/specs/template-merge'

describe('builderPodSpec', () => {
  const pod = builderPodSpec({
    name: 'runner-0-build-abc',
    labels: { l: 'v' },
    image: 'builder:1',
    secret: 'regcred'
  })
  const container = pod.spec!.containers[0]

  test('one unprivileged container that idles until the hook runs the build over exec', () => {
    expect(pod.metadata).toEqual({ name: 'runner-0-build-abc', labels: { l: 'v' } })
    expect(pod.spec!.restartPolicy).toBe('Never')
    expect(pod.spec!.automountServiceAccountToken).toBe(false)
    expect(pod.spec!.hostNetwork).toBeUndefined()
    expect(pod.spec!.containers).toHaveLength(1)
    expect(container).toMatchObject({ name: 'builder', image: 'builder:1', command: KEEP_ALIVE })
    expect(container.securityContext).toEqual({ privileged: false })
  })

  test('the context is an emptyDir; the secret is the docker config', () => {
    expect(pod.spec!.volumes).toEqual([
      { name: 'context', emptyDir: {} },
      {
        name: 'docker-config',
        secret: {
          secretName: 'regcred',
          items: [{ key: '.dockerconfigjson', path: 'config.json' }]
        }
      }
    ])
    expect(container.volumeMounts).toEqual([
      { name: 'context', mountPath: '/workspace' },
      { name: 'docker-config', mountPath: '/kaniko/.docker', readOnly: true }
    ])
    expect(container.env).toContainEqual({ name: 'DOCKER_CONFIG', value: '/kaniko/.docker' })
  })

  test('without a secret there is no docker config volume', () => {
    const bare = builderPodSpec({ name: 'b', labels: {}, image: 'builder:1' })
    expect(bare.spec!.volumes).toEqual([{ name: 'context', emptyDir: {} }])
  })

  test('a template applies pod-level fields; $job does not reach the builder, $builder does', () => {
    const merged = mergeTemplate(pod, {
      spec: {
        nodeSelector: { pool: 'ci' },
        tolerations: [{ key: 'ci', operator: 'Exists' }],
        containers: [
          { name: '$job', resources: { limits: { cpu: '9' } } },
          { name: '$builder', resources: { limits: { memory: '2Gi' } } }
        ]
      }
    })
    expect(merged.spec!.nodeSelector).toEqual({ pool: 'ci' })
    expect(merged.spec!.tolerations).toEqual([{ key: 'ci', operator: 'Exists' }])
    expect(merged.spec!.containers).toHaveLength(1)
    expect(merged.spec!.containers[0].resources).toEqual({ limits: { memory: '2Gi' } })
  })
})

describe('executorCommand', () => {
  test('context, Dockerfile, destination, busybox kept out of the image', () => {
    expect(
      executorCommand({ dockerfile: 'Dockerfile', destination: 'r:5000/a/x:t', extraArgs: [] })
    ).toEqual([
      '/kaniko/executor',
      '--context=dir:///workspace',
      '--dockerfile=/workspace/Dockerfile',
      '--destination=r:5000/a/x:t',
      '--ignore-path=/busybox'
    ])
  })

  test('plain HTTP registry and extra flags last (they may override ours)', () => {
    expect(
      executorCommand({
        dockerfile: 'Dockerfile.action',
        destination: 'r:5000/x:t',
        insecureRegistry: 'r:5000',
        extraArgs: ['--registry-mirror=r:5000']
      }).slice(-3)
    ).toEqual(['--ignore-path=/busybox', '--insecure-registry=r:5000', '--registry-mirror=r:5000'])
  })
})
