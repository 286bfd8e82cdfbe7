import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { imageBuilds } from '../src/build-images'
import { IMAGES_DIR, JOBS_DIR } from '../src/package-files'

describe('build-images', () => {
  it('builds busybox first, and the others FROM the busybox of the same prefix', () => {
    const builds = imageBuilds({ prefix: 'p/', base: 'my/busybox:1', nodeBase: 'my/debian:12' })
    expect(builds).toEqual([
      [
        'build',
        '-t',
        'p/busybox:1',
        '--build-arg',
        'BASE=my/busybox:1',
        join(IMAGES_DIR, 'busybox')
      ],
      ['build', '-t', 'p/node:1', '--build-arg', 'BASE=my/debian:12', join(IMAGES_DIR, 'node')],
      [
        'build',
        '-t',
        'p/service:1',
        '--build-arg',
        'BUSYBOX=p/busybox:1',
        join(IMAGES_DIR, 'service')
      ],
      [
        'build',
        '-t',
        'p/unhealthy:1',
        '--build-arg',
        'BUSYBOX=p/busybox:1',
        join(IMAGES_DIR, 'unhealthy')
      ]
    ])
  })

  it("names the images the shipped jobs use, on the Dockerfiles' own bases by default", () => {
    const builds = imageBuilds({})
    expect(builds.map(b => b[2])).toEqual([
      'container-hooks-test/busybox:1',
      'container-hooks-test/node:1',
      'container-hooks-test/service:1',
      'container-hooks-test/unhealthy:1'
    ])
    expect(builds[0]).not.toContain('--build-arg')
    const used = readdirSync(JOBS_DIR).flatMap(file => [
      ...readFileSync(join(JOBS_DIR, file), 'utf8').matchAll(/container-hooks-test\/[\w-]+:1/g)
    ])
    expect(new Set(used.map(m => m[0]))).toEqual(new Set(builds.map(b => b[2])))
  })
})
