import {
  authconfig,
  DEFAULT_PULL_RETRY,
  DOCKER_HUB,
  isDigestPinned,
  retryDelayMs
} from '../../src/specs/pull-policy'

describe('authconfig', () => {
  it('sends Docker Hub as the server address when the runner sends serverUrl ""', () => {
    expect(authconfig({ username: 'u', password: 'p', serverUrl: '' })).toEqual({
      username: 'u',
      password: 'p',
      serveraddress: 'https://index.docker.io/v1/'
    })
    expect(DOCKER_HUB).toBe('https://index.docker.io/v1/')
  })

  it("keeps another registry's host, and sends nothing without credentials", () => {
    expect(authconfig({ username: 'u', password: 'p', serverUrl: 'ghcr.io' })).toMatchObject({
      serveraddress: 'ghcr.io'
    })
    expect(authconfig(null)).toBeUndefined()
    expect(authconfig({ username: '', password: '', serverUrl: '' })).toBeUndefined()
  })
})

describe('pull retries', () => {
  it('back off by doubling from the first delay: 3 attempts, 1 s then 2 s by default', () => {
    expect(DEFAULT_PULL_RETRY).toEqual({ attempts: 3, firstDelayMs: 1000 })
    expect([1, 2].map(a => retryDelayMs(DEFAULT_PULL_RETRY, a))).toEqual([1000, 2000])
    expect(retryDelayMs({ attempts: 5, firstDelayMs: 50 }, 4)).toBe(400)
  })
})

describe('isDigestPinned', () => {
  it('is true only for a full sha256 digest', () => {
    const digest = `sha256:${'a1'.repeat(32)}`
    expect(isDigestPinned(`redis@${digest}`)).toBe(true)
    expect(isDigestPinned(`ghcr.io/x/redis:7@${digest}`)).toBe(true)
    expect(isDigestPinned('redis:7')).toBe(false)
    expect(isDigestPinned('redis@sha256:abc')).toBe(false)
  })
})
