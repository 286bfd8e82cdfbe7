import { credentialSource, helperAuth, proxyEnv, registryKey } from '../../src/specs/docker-config'

const b64 = (s: string): string => Buffer.from(s).toString('base64')
const source = (config: object, image: string): ReturnType<typeof credentialSource> =>
  credentialSource(JSON.stringify(config), '/c/config.json', image)

describe('registryKey (the Docker CLI auth key of an image)', () => {
  test.each([
    ['busybox', 'https://index.docker.io/v1/'],
    ['library/busybox:1', 'https://index.docker.io/v1/'],
    ['docker.io/org/app', 'https://index.docker.io/v1/'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/private/busybox:1', '127.0.0.1:5000'],
    ['localhost/app', 'localhost']
  ])('%s → %s', (image, key) => expect(registryKey(image)).toBe(key))
})

describe('credentialSource', () => {
  it('decodes auths[host].auth', () => {
    expect(source({ auths: { 'ghcr.io': { auth: b64('u:p:w') } } }, 'ghcr.io/a/b')).toEqual({
      kind: 'auths',
      key: 'ghcr.io',
      auth: { username: 'u', password: 'p:w', serveraddress: 'ghcr.io' }
    })
  })

  it('matches an older https://host/v1/ key, and Docker Hub by its index URL', () => {
    const config = {
      auths: {
        'https://ghcr.io/v1/': { auth: b64('a:b') },
        'https://index.docker.io/v1/': { auth: b64('hub:pw') }
      }
    }
    expect(source(config, 'ghcr.io/x')).toMatchObject({ auth: { username: 'a' } })
    expect(source(config, 'node:20')).toMatchObject({
      auth: { username: 'hub', serveraddress: 'https://index.docker.io/v1/' }
    })
  })

  it('prefers credHelpers[host], then credsStore, over auths', () => {
    const config = {
      auths: { 'ghcr.io': { auth: b64('a:b') } },
      credsStore: 'pass',
      credHelpers: { '1.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' }
    }
    expect(source(config, '1.dkr.ecr.eu-west-1.amazonaws.com/app')).toEqual({
      kind: 'helper',
      helper: 'ecr-login',
      server: '1.dkr.ecr.eu-west-1.amazonaws.com'
    })
    expect(source(config, 'ghcr.io/x')).toEqual({
      kind: 'helper',
      helper: 'pass',
      server: 'ghcr.io'
    })
  })

  it('has nothing for a registry the config does not name, or an empty entry', () => {
    expect(source({ auths: { 'ghcr.io': {} } }, 'ghcr.io/x')).toBeUndefined()
    expect(source({ auths: { 'ghcr.io': { auth: b64('a:b') } } }, 'quay.io/x')).toBeUndefined()
  })

  it('names the file when it is not JSON, without quoting it', () => {
    expect(() => credentialSource('{"auths": {"x": secret', '/c/config.json', 'x/y')).toThrow(
      '/c/config.json is not valid JSON; fix it or point DOCKER_CONFIG elsewhere'
    )
  })
})

describe('proxyEnv', () => {
  const proxies = {
    proxies: {
      default: { httpProxy: 'http://p:3128', noProxy: 'localhost' },
      'tcp://engine:2376': { httpsProxy: 'http://q:3128' }
    }
  }
  it('gives the engine’s entry, else "default", in both cases', () => {
    const text = JSON.stringify(proxies)
    expect(proxyEnv(text, 'c', 'unix:///var/run/docker.sock')).toEqual({
      HTTP_PROXY: 'http://p:3128',
      http_proxy: 'http://p:3128',
      NO_PROXY: 'localhost',
      no_proxy: 'localhost'
    })
    expect(proxyEnv(text, 'c', 'tcp://engine:2376')).toEqual({
      HTTPS_PROXY: 'http://q:3128',
      https_proxy: 'http://q:3128'
    })
    expect(proxyEnv('{}', 'c', 'x')).toEqual({})
  })
})

describe('helperAuth', () => {
  it('reads Username and Secret; <token> is an identity token', () => {
    expect(helperAuth('{"ServerURL":"s","Username":"u","Secret":"p"}', 'h')).toEqual({
      username: 'u',
      password: 'p',
      serveraddress: 'h'
    })
    expect(helperAuth('{"Username":"<token>","Secret":"t"}', 'h')).toEqual({
      username: '',
      password: '',
      serveraddress: 'h',
      identitytoken: 't'
    })
  })
})
