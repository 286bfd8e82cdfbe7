import { ConfigError } from '@container-hooks/hooklib'
import { DEFAULT_BUILDER_IMAGE, readConfig } from '../../src/config'

const base = { ACTIONS_RUNNER_POD_NAME: 'runner-0' }

describe('readConfig', () => {
  test('defaults keep the incumbent meaning', () => {
    expect(readConfig(base, () => 'ns-from-file\n')).toEqual({
      runnerPod: 'runner-0',
      namespace: 'ns-from-file',
      claimName: 'runner-0-work',
      claimExplicit: false,
      storage: undefined,
      prepareTimeoutMs: 600_000,
      runnerImage: undefined,
      externalsDir: '/home/runner/externals',
      templatePath: undefined,
      useKubeScheduler: false,
      build: {
        registryHost: undefined,
        registryPushHost: undefined,
        registryPullHost: undefined,
        registrySecret: undefined,
        registryInsecure: false,
        builderImage: DEFAULT_BUILDER_IMAGE,
        builderArgs: []
      },
      debug: { mode: 'never', image: 'busybox:1.37' },
      stepHelper: true
    })
    expect(readConfig(base).namespace).toBe('default')
  })

  test('reads every variable', () => {
    const config = readConfig({
      ...base,
      ACTIONS_RUNNER_KUBERNETES_NAMESPACE: 'ci',
      ACTIONS_RUNNER_CLAIM_NAME: 'work',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'Copy',
      ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '30',
      ACTIONS_RUNNER_IMAGE: 'ghcr.io/actions/actions-runner:2.330.0',
      ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: '/t.yaml',
      ACTIONS_RUNNER_USE_KUBE_SCHEDULER: 'true',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST: 'registry.example.com/actions',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST_PUSH: '10.0.0.5:5000/actions',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST_PULL: '127.0.0.1:5000/actions',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME: 'registry',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_INSECURE: '1',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_BUILDER_IMAGE: 'builder:1',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_BUILDER_ARGS: '--registry-mirror=m:5000 --label "a b=c"',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG: 'always',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_IMAGE: 'busybox:1.36',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_HOLD_SECONDS: '300',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STEP_HELPER: 'false'
    })
    expect(config).toMatchObject({
      namespace: 'ci',
      claimName: 'work',
      claimExplicit: true,
      storage: 'copy',
      prepareTimeoutMs: 30_000,
      runnerImage: 'ghcr.io/actions/actions-runner:2.330.0',
      templatePath: '/t.yaml',
      useKubeScheduler: true,
      build: {
        registryHost: 'registry.example.com/actions',
        registryPushHost: '10.0.0.5:5000/actions',
        registryPullHost: '127.0.0.1:5000/actions',
        registrySecret: 'registry',
        registryInsecure: true,
        builderImage: 'builder:1',
        builderArgs: ['--registry-mirror=m:5000', '--label', 'a b=c']
      },
      debug: { mode: 'always', image: 'busybox:1.36', holdSeconds: 300 },
      stepHelper: false
    })
  })

  test.each([
    [{}, /ACTIONS_RUNNER_POD_NAME is not set/],
    [
      { ...base, ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '10m' },
      /ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS="10m"/
    ],
    [
      { ...base, ACTIONS_RUNNER_USE_KUBE_SCHEDULER: 'yes' },
      /ACTIONS_RUNNER_USE_KUBE_SCHEDULER="yes" is not a boolean/
    ],
    [
      { ...base, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_INSECURE: 'http' },
      /ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_INSECURE="http" is not a boolean/
    ],
    [
      { ...base, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'nfs' },
      /ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE="nfs" is invalid/
    ],
    [
      { ...base, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG: 'yes' },
      /ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG="yes" is invalid/
    ],
    [
      { ...base, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_HOLD_SECONDS: '-1' },
      /ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG_HOLD_SECONDS="-1" is invalid/
    ]
  ])('rejects bad values naming the variable (%#)', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError)
    expect(() => readConfig(env)).toThrow(message)
  })
})
