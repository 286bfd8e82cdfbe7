// docs/arc.md says what the ARC end-to-end test (test/cluster/arc-runner-pod.test.ts) does: its
// Dockerfile is examples/runner-image/Dockerfile, its Role is exactly the chart's, its values
// and pod template are valid. The cluster test takes the values and the template from the page.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseTemplate } from '../../src/specs/template-merge'
import {
  docBlocks,
  docInitContainers,
  docValues,
  docYamlWhere,
  hookTemplateConfigMap,
  hookTemplateValues
} from '../helpers/arc-doc'
import { arcRole, scaleSet } from '../helpers/arc-objects'

const REPO = resolve(__dirname, '../../../..')

test('the Dockerfile on the page is examples/runner-image/Dockerfile', () => {
  const file = readFileSync(join(REPO, 'examples/runner-image/Dockerfile'), 'utf8')
  expect(docBlocks('dockerfile')).toEqual([file])
  expect(file).toMatch(/^ARG RUNNER_IMAGE=ghcr\.io\/actions\/actions-runner:\S+$/m)
  expect(file).toMatch(/^FROM \$\{RUNNER_IMAGE\}$/m)
  for (const path of ['/home/runner/k8s/index.js', '/home/runner/k8s-novolume/index.js']) {
    expect(file).toContain(`COPY k8s/index.js ${path}\n`)
  }
})

test('the values of both modes', () => {
  const kube = docValues('kubernetes')
  const claim = kube.containerMode.kubernetesModeWorkVolumeClaim
  expect(claim?.accessModes).toEqual(['ReadWriteOnce'])
  expect(claim?.resources?.requests?.storage).toBeTruthy()
  expect(claim?.storageClassName).toBeTruthy()
  const novolume = docValues('kubernetes-novolume')
  expect(novolume.containerMode).toEqual({ type: 'kubernetes-novolume' })
  for (const values of [kube, novolume]) {
    expect(values.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'runner', command: ['/home/runner/run.sh'] })
    ])
  }
  expect(docInitContainers()).toEqual([
    expect.objectContaining({
      securityContext: { runAsUser: 0 },
      command: ['chown', '1001:1001', '/home/runner/_work'],
      volumeMounts: [{ name: 'work', mountPath: '/home/runner/_work' }]
    })
  ])
})

test("the Role on the page is exactly the chart's kube-mode Role", () => {
  const role = docYamlWhere<{ rules: unknown }>('ARC rules', d => !d.kind && 'rules' in d)
  expect(role.rules).toEqual(arcRole(scaleSet('kubernetes')).rules)
})

test('the pod template is valid and mounted where ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE says', () => {
  const map = hookTemplateConfigMap()
  const text = map.data!['hookTemplate.yaml']
  expect(() => parseTemplate(text, 'hookTemplate.yaml')).not.toThrow()
  const spec = hookTemplateValues()
  const runner = spec.containers.find(c => c.name === 'runner')!
  const env = runner.env!.find(e => e.name === 'ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE')!
  const mount = runner.volumeMounts!.find(m => env.value!.startsWith(`${m.mountPath}/`))!
  expect(env.value).toBe(`${mount.mountPath}/hookTemplate.yaml`)
  expect(spec.volumes).toEqual([{ name: mount.name, configMap: { name: map.metadata!.name } }])
})
