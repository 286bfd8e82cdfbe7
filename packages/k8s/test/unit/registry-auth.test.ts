import { credentialsFor } from '../../src/image-build/registry-auth'

describe('credentialsFor', () => {
  const auth = (s: string): string => Buffer.from(s).toString('base64')

  test('finds the entry of a registry, with or without scheme and path', () => {
    const config = {
      auths: {
        '10.244.0.1:5000': { auth: auth('u:p:with:colons') },
        'https://ghcr.io/v1/': { username: 'gh', password: 'tok' }
      }
    }
    expect(credentialsFor(config, '10.244.0.1:5000')).toEqual({
      username: 'u',
      password: 'p:with:colons'
    })
    expect(credentialsFor(config, 'ghcr.io')).toEqual({ username: 'gh', password: 'tok' })
    expect(credentialsFor(config, 'other:5000')).toBeUndefined()
    expect(credentialsFor({}, 'ghcr.io')).toBeUndefined()
    expect(credentialsFor({ auths: { x: { auth: auth('nocolon') } } }, 'x')).toBeUndefined()
  })
})
