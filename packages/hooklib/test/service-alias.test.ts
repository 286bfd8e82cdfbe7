import { serviceAlias, serviceAliases } from '@container-hooks/hooklib'

describe('serviceAlias', () => {
  it.each([
    ['ghcr.io/x/redis:7', 'redis'],
    ['redis', 'redis'],
    ['postgres:16-alpine', 'postgres'],
    ['localhost:5000/team/my_db:1', 'my-db'],
    ['127.0.0.1:5000/private/busybox:1', 'busybox'],
    ['mcr.microsoft.com/mssql/server@sha256:' + 'a'.repeat(64), 'server'],
    ['quay.io/x/Mongo.Express:latest@sha256:' + 'b'.repeat(64), 'mongo-express'],
    ['__:1', 'service']
  ])('%s → %s', (image, alias) => {
    expect(serviceAlias(image)).toBe(alias)
  })

  it('fits a DNS label', () => {
    const alias = serviceAlias('x/' + 'a'.repeat(80))
    expect(alias).toHaveLength(63)
    expect(alias).toMatch(/^[a-z0-9-]+$/)
  })
})

describe('serviceAliases', () => {
  it('suffixes collisions in input order', () => {
    expect(serviceAliases(['redis:6', 'ghcr.io/a/redis:7', 'postgres', 'redis'])).toEqual([
      'redis',
      'redis-2',
      'postgres',
      'redis-3'
    ])
  })

  it('never produces a name another image already has', () => {
    expect(serviceAliases(['redis', 'redis', 'redis-2'])).toEqual(['redis', 'redis-3', 'redis-2'])
  })

  it('is deterministic and keeps long names within 63 characters', () => {
    const long = 'a'.repeat(70)
    const first = serviceAliases([long, long])
    expect(first).toEqual(serviceAliases([long, long]))
    expect(first[1]).toHaveLength(63)
    expect(first[1].endsWith('-2')).toBe(true)
  })

  it('returns an empty list for no services', () => {
    expect(serviceAliases([])).toEqual([])
  })
})
