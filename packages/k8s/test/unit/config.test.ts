import { ConfigError } from '@container-hooks/hooklib'
import { DEFAULT_BUILDER_IMAGE, loadConfig } from '../../src/config'

const base = { ACTIONS_RUNNER_POD_NAME: 'runner-0' }

describe('loadConfig', () => {
  test('defaults keep the incumbent meaning', () => {
    expect(loadConfig(base, () => 'ns-from-file\n')).toEqual({
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
      hookRwo: false,
      heartbeat: { periodMs: 5000, deadlineMs: 61_000 },
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
      stepHelper: true,
      reconnectMs: 120_000
    })
    expect(loadConfig(base).namespace).toBe('default')
  })

  test('reads every variable', () => {
    const config = loadConfig({
      ...base,
      ACTIONS_RUNNER_KUBERNETES_NAMESPACE: 'ci',
      ACTIONS_RUNNER_CLAIM_NAME: 'work',
      ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'Copy',
      ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '30',
      ACTIONS_RUNNER_IMAGE: 'ghcr.io/actions/actions-runner:2.330.0',
      ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: '/t.yaml',
      ACTIONS_RUNNER_USE_KUBE_SCHEDULER: 'true',
      ACTIONS_RUNNER_HOOK_RWO: 'true',
      ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS: '2000',
      ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '9000',
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
      hookRwo: true,
      heartbeat: { periodMs: 2000, deadlineMs: 9000 },
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
      stepHelper: false,
      reconnectMs: 9000
    })
  })

  test.each([
    [{}, /ACTIONS_RUNNER_POD_NAME is not set/],
    [
      { ...base, ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_RECONNECT_SECONDS: '2m' },
      /ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_RECONNECT_SECONDS must be a whole number of seconds/
    ],
    [
      { ...base, ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '10m' },
      /ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS="10m"/
    ],
    [
      { ...base, ACTIONS_RUNNER_USE_KUBE_SCHEDULER: 'yes' },
      /ACTIONS_RUNNER_USE_KUBE_SCHEDULER="yes" is not a boolean/
    ],
    [{ ...base, ACTIONS_RUNNER_HOOK_RWO: 'rwo' }, /ACTIONS_RUNNER_HOOK_RWO="rwo" is not a boolean/],
    [
      { ...base, ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS: '0' },
      /ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS="0" is not a positive number of milliseconds/
    ],
    [
      { ...base, ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '5s' },
      /ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS="5s" is not a positive number of milliseconds/
    ],
    [
      { ...base, ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '5000' },
      /ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS=5000 must be longer than ACTIONS_RUNNER_HEARTBEAT_PERIOD_MS=5000/
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
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })
})
