import type { V1Pod } from '@kubernetes/client-node'
import { readConfig } from '../../src/config'
import { chooseClaim, podStorage, runnerImage } from '../../src/storage'

function runner(claim: string, mountPath: string): V1Pod {
  return {
    spec: {
      nodeName: 'node-a',
      containers: [{ name: 'runner', image: 'runner:2', volumeMounts: [{ name: 'w', mountPath }] }],
      volumes: [{ name: 'w', persistentVolumeClaim: { claimName: claim } }]
    }
  }
}
const config = (env: Record<string, string> = {}) =>
  readConfig({ ACTIONS_RUNNER_POD_NAME: 'runner-0', ...env })

describe('storage mode', () => {
  test('the default claim mounted by the runner → volume mode', () => {
    expect(chooseClaim(config(), runner('runner-0-work', '/anything'))).toBe('runner-0-work')
  })

  test('any claim mounted at _work → volume mode on it', () => {
    expect(chooseClaim(config(), runner('arc-work', '/home/runner/_work'))).toBe('arc-work')
  })

  test('no claim → copy mode; an explicit claim name the runner does not mount → copy mode', () => {
    expect(chooseClaim(config(), { spec: { containers: [{ name: 'runner' }] } })).toBeUndefined()
    expect(
      chooseClaim(
        config({ ACTIONS_RUNNER_CLAIM_NAME: 'other' }),
        runner('arc-work', '/home/runner/_work')
      )
    ).toBeUndefined()
  })

  test('the variable overrides detection', () => {
    const pod = runner('runner-0-work', '/home/runner/_work')
    expect(
      chooseClaim(config({ ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy' }), pod)
    ).toBeUndefined()
    expect(
      chooseClaim(config({ ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'volume' }), {
        spec: { containers: [] }
      })
    ).toBe('runner-0-work')
  })

  test('ReadWriteOnce pins to the runner node, ReadWriteMany does not', () => {
    expect(podStorage('c', ['ReadWriteOnce'], 'node-a', false)).toEqual({
      mode: 'volume',
      claimName: 'c',
      node: 'node-a',
      pinWithAffinity: false
    })
    expect(podStorage('c', ['ReadWriteMany'], 'node-a', true)).toEqual({
      mode: 'volume',
      claimName: 'c',
      node: undefined,
      pinWithAffinity: true
    })
    expect(podStorage(undefined, [], 'node-a', false)).toEqual({ mode: 'copy' })
  })

  test('externals come from ACTIONS_RUNNER_IMAGE, else the runner container image', () => {
    const pod = runner('c', '/w')
    expect(runnerImage(config(), pod)).toBe('runner:2')
    expect(runnerImage(config({ ACTIONS_RUNNER_IMAGE: 'img:1' }), pod)).toBe('img:1')
  })
})
