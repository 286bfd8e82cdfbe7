import type { V1Pod } from '@kubernetes/client-node'
import { loadConfig } from '../../src/config'
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

/** The runner pod as actions-runner-controller's kubernetes mode makes it. */
function arcRunner(accessModes = ['ReadWriteOnce']): V1Pod {
  return {
    metadata: { name: 'arc-runner-x7k2p' },
    spec: {
      containers: [
        {
          name: 'runner',
          image: 'ghcr.io/actions/actions-runner:latest',
          volumeMounts: [{ name: 'work', mountPath: '/home/runner/_work' }]
        }
      ],
      volumes: [
        {
          name: 'work',
          ephemeral: {
            volumeClaimTemplate: {
              spec: {
                accessModes,
                storageClassName: 'local-path',
                resources: { requests: { storage: '1Gi' } }
              }
            }
          }
        }
      ]
    }
  }
}

const config = (env: Record<string, string> = {}) =>
  loadConfig({ ACTIONS_RUNNER_POD_NAME: 'runner-0', ...env })
const arcConfig = (env: Record<string, string> = {}) =>
  loadConfig({ ACTIONS_RUNNER_POD_NAME: 'arc-runner-x7k2p', ...env })

describe('storage mode', () => {
  test('the default claim mounted by the runner → volume mode', () => {
    expect(chooseClaim(config(), runner('runner-0-work', '/anything'))).toEqual({
      claimName: 'runner-0-work'
    })
  })

  test('any claim mounted at _work → volume mode on it', () => {
    expect(chooseClaim(config(), runner('arc-work', '/home/runner/_work'))).toEqual({
      claimName: 'arc-work'
    })
  })

  test("ARC's ephemeral work volume → volume mode on <pod>-work, access modes from its template", () => {
    expect(chooseClaim(arcConfig(), arcRunner(['ReadWriteMany']))).toEqual({
      claimName: 'arc-runner-x7k2p-work',
      accessModes: ['ReadWriteMany']
    })
  })

  test('an ephemeral volume at _work under another name → <pod>-<volume>', () => {
    const pod = arcRunner()
    pod.spec!.volumes![0].name = 'scratch'
    pod.spec!.containers[0].volumeMounts![0].name = 'scratch'
    expect(chooseClaim(arcConfig(), pod)?.claimName).toBe('arc-runner-x7k2p-scratch')
  })

  test('ACTIONS_RUNNER_CLAIM_NAME names an ephemeral claim too', () => {
    const pod = arcRunner()
    pod.spec!.containers[0].volumeMounts![0].mountPath = '/elsewhere'
    expect(
      chooseClaim(arcConfig({ ACTIONS_RUNNER_CLAIM_NAME: 'arc-runner-x7k2p-work' }), pod)
    ).toEqual({ claimName: 'arc-runner-x7k2p-work', accessModes: ['ReadWriteOnce'] })
    expect(
      chooseClaim(arcConfig({ ACTIONS_RUNNER_CLAIM_NAME: 'other' }), arcRunner())
    ).toBeUndefined()
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
    ).toEqual({ claimName: 'runner-0-work' })
    expect(
      chooseClaim(arcConfig({ ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'volume' }), arcRunner())
    ).toEqual({ claimName: 'arc-runner-x7k2p-work', accessModes: ['ReadWriteOnce'] })
  })

  const scheduling = (env: Record<string, string> = {}) => config(env)

  test('ReadWriteOnce pins to the runner node, ReadWriteMany does not', () => {
    expect(podStorage('c', ['ReadWriteOnce'], 'node-a', scheduling())).toEqual({
      mode: 'volume',
      claimName: 'c',
      node: 'node-a',
      pinWithAffinity: false
    })
    expect(
      podStorage(
        'c',
        ['ReadWriteMany'],
        'node-a',
        scheduling({ ACTIONS_RUNNER_USE_KUBE_SCHEDULER: 'true' })
      )
    ).toEqual({ mode: 'volume', claimName: 'c', node: undefined, pinWithAffinity: true })
    expect(podStorage(undefined, [], 'node-a', scheduling())).toEqual({ mode: 'copy' })
  })

  test('ACTIONS_RUNNER_HOOK_RWO pins with a required affinity, whatever the claim says', () => {
    expect(
      podStorage('c', ['ReadWriteMany'], 'node-a', scheduling({ ACTIONS_RUNNER_HOOK_RWO: 'true' }))
    ).toEqual({ mode: 'volume', claimName: 'c', node: 'node-a', pinWithAffinity: true })
    expect(
      podStorage('c', ['ReadWriteMany'], 'node-a', scheduling({ ACTIONS_RUNNER_HOOK_RWO: 'false' }))
    ).toEqual({ mode: 'volume', claimName: 'c', node: undefined, pinWithAffinity: false })
  })

  test('externals come from ACTIONS_RUNNER_IMAGE, else the runner container image', () => {
    const pod = runner('c', '/w')
    expect(runnerImage(config(), pod)).toBe('runner:2')
    expect(runnerImage(config({ ACTIONS_RUNNER_IMAGE: 'img:1' }), pod)).toBe('img:1')
  })
})
