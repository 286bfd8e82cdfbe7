import type { HookContainer } from '@container-hooks/hooklib'
import { busybox } from '../helpers/containers'
import { DOCKER_HUB, pullSecretSpec } from '../../src/specs/pull-secret'

const container = (image: string, registry: HookContainer['registry']): HookContainer =>
  busybox({ image, registry })

describe('pullSecretSpec', () => {
  test('none without credentials', () => {
    expect(pullSecretSpec('s', {}, [null, container('redis', null)])).toBeUndefined()
  })

  test('job container and services in one dockerconfigjson, Docker Hub by default', () => {
    const secret = pullSecretSpec('s', { a: 'b' }, [
      container('private/app:1', { username: 'u1', password: 'p1', serverUrl: '' }),
      container('ghcr.io/x/db:1', { username: 'u2', password: 'p2', serverUrl: 'ghcr.io' })
    ])!
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson')
    expect(secret.metadata).toEqual({ name: 's', labels: { a: 'b' } })
    const config = JSON.parse(
      Buffer.from(secret.data!['.dockerconfigjson'], 'base64').toString()
    ) as {
      auths: Record<string, { username: string; password: string; auth: string }>
    }
    expect(config.auths[DOCKER_HUB]).toEqual({
      username: 'u1',
      password: 'p1',
      auth: Buffer.from('u1:p1').toString('base64')
    })
    expect(config.auths['ghcr.io'].username).toBe('u2')
  })
})
