import { ConfigError } from '@container-hooks/hooklib'
import type { BuildConfig } from '../../src/config'
import { buildTarget } from '../../src/specs/build-target'

function config(overrides: Partial<BuildConfig> = {}): BuildConfig {
  return { registryInsecure: false, builderImage: 'builder:1', builderArgs: [], ...overrides }
}

describe('buildTarget', () => {
  test('one host serves push and pull', () => {
    expect(
      buildTarget(config({ registryHost: 'ghcr.io/acme/', registrySecret: 'regcred' }))
    ).toEqual({
      push: 'ghcr.io/acme',
      pull: 'ghcr.io/acme',
      pushRegistry: 'ghcr.io',
      secret: 'regcred',
      insecure: false,
      builderImage: 'builder:1',
      builderArgs: []
    })
  })

  test('push and pull addresses may differ (builder pods vs. nodes)', () => {
    const target = buildTarget(
      config({
        registryHost: '127.0.0.1:5000/actions',
        registryPushHost: '10.244.0.1:5000/actions',
        registryInsecure: true
      })
    )
    expect(target).toMatchObject({
      push: '10.244.0.1:5000/actions',
      pull: '127.0.0.1:5000/actions',
      pushRegistry: '10.244.0.1:5000',
      insecure: true
    })
    expect(
      buildTarget(config({ registryPushHost: 'a:5000', registryPullHost: 'b:5000' }))
    ).toMatchObject({ push: 'a:5000', pull: 'b:5000' })
  })

  test('not configured: one error naming the variables to set', () => {
    const error = (c: BuildConfig): string => {
      try {
        buildTarget(c)
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError)
        return (err as Error).message
      }
      throw new Error('no error')
    }
    expect(error(config())).toMatch(
      /set ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST \(or ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST_PUSH and ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST_PULL, .*\) and ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME/
    )
    expect(error(config({ registryPushHost: 'a:5000' }))).toMatch(
      /\(or ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_HOST_PULL, /
    )
  })

  test.each([
    [
      { registryHost: 'https://ghcr.io' },
      /REGISTRY_HOST="https:\/\/ghcr.io" is not a registry location/
    ],
    [{ registryHost: 'ghcr.io/acme:1' }, /REGISTRY_HOST="ghcr.io\/acme:1"/],
    [{ registryHost: 'ok:5000', registryPullHost: 'Bad/Path' }, /REGISTRY_HOST_PULL="Bad\/Path"/],
    [{ registryHost: 'ok:5000', registrySecret: 'Not_A_Name' }, /REGISTRY_SECRET_NAME="Not_A_Name"/]
  ])('rejects a bad value naming the variable (%#)', (overrides, message) => {
    expect(() => buildTarget(config(overrides))).toThrow(message)
  })
})
