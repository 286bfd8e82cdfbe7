import { ConfigError } from '@container-hooks/hooklib'
import { jobOptions } from '../../src/specs/container-options'
import { jobPodSpec } from '../../src/specs/job-pod'
import { mergeTemplate, parseTemplate, templateImageWarning } from '../../src/specs/template-merge'
import { busybox } from '../helpers/containers'

const pod = (containerOptions: string | null = null) => {
  const jobContainer = busybox({
    environmentVariables: { A: '1' },
    portMappings: ['80'],
    createOptions: containerOptions
  })
  const services = [busybox({ image: 'redis:7' })]
  return jobPodSpec({
    name: 'p',
    labels: { mine: 'yes' },
    container: jobContainer,
    services,
    serviceNames: ['redis'],
    options: jobOptions({ container: jobContainer, services }, {}),
    storage: { mode: 'copy' },
    runnerImage: 'runner:1',
    externalsDir: '/e'
  })
}

const TEMPLATE = `
metadata:
  labels: { team: infra, mine: theirs }
  annotations: { a: b }
spec:
  nodeSelector: { pool: ci }
  volumes: [{ name: cache, emptyDir: {} }]
  containers:
    - name: $job
      image: replaced
      env: [{ name: B, value: "2" }]
      volumeMounts: [{ name: cache, mountPath: /cache }]
      resources: { limits: { cpu: "1", memory: 1Gi } }
    - name: $redis
      resources: { requests: { memory: 64Mi } }
    - name: $postgres
      image: ignored
    - name: sidecar
      image: busybox
`

describe('pod template', () => {
  test('merges $job and $service, adds sidecars, appends lists, keeps our labels', () => {
    const template = parseTemplate(TEMPLATE, 't.yaml')
    const before = JSON.stringify(template)
    const original = pod()
    const merged = mergeTemplate(original, template)
    const [job, redis, externals, sidecar] = merged.spec!.containers
    expect(job.env).toEqual(
      expect.arrayContaining([
        { name: 'A', value: '1' },
        { name: 'B', value: '2' }
      ])
    )
    expect(job.volumeMounts!.map(m => m.mountPath)).toContain('/cache')
    expect(job.volumeMounts!.map(m => m.mountPath)).toContain('/__w')
    expect(job.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }])
    expect(job.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' } })
    // The workflow's image wins over the template's, as in the incumbent.
    expect(job.image).toBe(pod().spec!.containers[0].image)
    expect(templateImageWarning(template)).toBe(
      "ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: the image of $job, $postgres is ignored; the workflow's image is used (as in actions/runner-container-hooks)"
    )
    expect(templateImageWarning(parseTemplate('spec: {}', 't.yaml'))).toBeUndefined()
    expect(redis.resources).toEqual({ requests: { memory: '64Mi' } })
    expect(sidecar).toEqual({ name: 'sidecar', image: 'busybox' })
    expect(externals.name).toBe('externals')
    expect(merged.spec!.containers).toHaveLength(4)
    expect(merged.spec!.volumes!.map(v => v.name)).toEqual(['work', 'externals', 'cache'])
    expect(merged.spec!.nodeSelector).toEqual({ pool: 'ci' })
    expect(merged.metadata!.labels).toEqual({ team: 'infra', mine: 'yes' })
    // Nothing shared was changed: the template can be merged again, the input pod is intact.
    expect(JSON.stringify(template)).toBe(before)
    expect(original).toEqual(pod())
    job.env!.push({ name: 'C', value: '3' })
    expect(mergeTemplate(pod(), template).spec!.containers[0].env).toHaveLength(5)
  })

  test('applies on top of the options: the template wins, options it does not set stay', () => {
    const merged = mergeTemplate(
      pod('--cpus 2 --memory 512m --cap-add NET_ADMIN -e A=from-options -e D=4'),
      parseTemplate(TEMPLATE, 't.yaml')
    )
    const job = merged.spec!.containers[0]
    expect(job.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' } })
    expect(job.securityContext).toEqual({ capabilities: { add: ['NET_ADMIN'] } })
    // env lists are appended: the template's entries come last, and the last of a name wins.
    expect(job.env!.map(e => e.name).slice(-3)).toEqual(['A', 'D', 'B'])
  })

  test.each([
    ['a: [', /t.yaml\): the file is not valid YAML/],
    ['- 1', /the document must be a PodTemplateSpec/],
    ['spec: { containers: {} }', /spec.containers must be a list of maps/],
    [
      'spec: { containers: [{ image: x }] }',
      /spec.containers\[0\].name must be a non-empty string/
    ],
    ['spec: { containers: [{ name: $job, env: {} }] }', /spec.containers\[0\].env must be a list/],
    ['metadata: { labels: { a: 1 } }', /metadata.labels must be a map of strings/],
    ['spec: { restartPolicy: Always }', /spec.restartPolicy must be Never or left out/]
  ])('a bad template names the field: %s', (text, message) => {
    expect(() => parseTemplate(text, 't.yaml')).toThrow(ConfigError)
    expect(() => parseTemplate(text, 't.yaml')).toThrow(message)
  })
})
