import type { MountVolume } from '@container-hooks/hooklib'
import { jobPodSpec } from '../../src/specs/job-pod'
import {
  userVolumes,
  volumeOwners,
  withUserVolumes,
  workSubPath
} from '../../src/specs/user-volumes'
import { busybox } from '../helpers/containers'
import { jobOptions } from '../../src/specs/container-options'

const WORK = '/home/runner/_work'

function vol(value: string, readOnly = false): MountVolume {
  const [source, target] = value.includes(':') ? value.split(':') : [null, value]
  return {
    userProvidedValue: value,
    sourceVolumePath: source,
    targetVolumePath: target,
    readOnly
  }
}

const job = (volumes: MountVolume[]) => ({
  name: 'job',
  label: 'the job container',
  field: 'container',
  container: busybox({ userMountVolumes: volumes })
})
const service = (name: string, volumes: MountVolume[], index = 0) => ({
  name,
  label: `service ${name}`,
  field: `services[${index}]`,
  container: busybox({ userMountVolumes: volumes })
})

describe('workSubPath', () => {
  test.each([
    [`${WORK}/repo/repo/data`, 'repo/repo/data'],
    [`${WORK}/`, ''],
    [`${WORK}/a/../b`, 'b'],
    [`${WORK}/..foo`, '..foo'],
    ['/home/runner/_work2/x', undefined],
    ['/etc', undefined],
    [`${WORK}/../x`, undefined]
  ])('%s → %s', (source, expected) => {
    expect(workSubPath(source, WORK)).toBe(expected)
  })

  test('an unknown _work matches nothing', () => {
    expect(workSubPath('/x', '')).toBeUndefined()
  })
})

describe('userVolumes', () => {
  test('a path inside _work is a subPath mount of the work volume, read-only kept', () => {
    const user = userVolumes(
      [job([vol(`${WORK}/repo/repo/data:/data`, true), vol(`${WORK}:/all`)])],
      WORK
    )
    expect(user.volumes).toEqual([])
    expect(user.mounts.job).toEqual([
      { name: 'work', mountPath: '/data', subPath: 'repo/repo/data', readOnly: true },
      { name: 'work', mountPath: '/all' }
    ])
    expect(user.warnings).toEqual([])
  })

  test('a named volume is one emptyDir shared by every container that names it', () => {
    const user = userVolumes(
      [
        job([vol('cache:/cache'), vol('other:/other')]),
        service('redis', [vol('cache:/data', true)]),
        service('postgres', [vol('other:/o')], 1)
      ],
      WORK
    )
    expect(user.volumes).toEqual([
      { name: 'user-volume-0', emptyDir: {} },
      { name: 'user-volume-1', emptyDir: {} }
    ])
    expect(user.mounts).toEqual({
      job: [
        { name: 'user-volume-0', mountPath: '/cache' },
        { name: 'user-volume-1', mountPath: '/other' }
      ],
      redis: [{ name: 'user-volume-0', mountPath: '/data', readOnly: true }],
      postgres: [{ name: 'user-volume-1', mountPath: '/o' }]
    })
  })

  test('each anonymous volume gets its own emptyDir', () => {
    const user = userVolumes([job([vol('/a')]), service('redis', [vol('/b')])], WORK)
    expect(user.volumes.map(v => v.name)).toEqual(['user-anonymous-0', 'user-anonymous-1'])
    expect(user.mounts.job).toEqual([{ name: 'user-anonymous-0', mountPath: '/a' }])
    expect(user.mounts.redis).toEqual([{ name: 'user-anonymous-1', mountPath: '/b' }])
  })

  test('another runner path is not mounted: one warning naming it', () => {
    const user = userVolumes(
      [job([vol('/var/run/docker.sock:/var/run/docker.sock')]), service('redis', [vol('/etc:/e')])],
      WORK
    )
    expect(user.mounts).toEqual({})
    expect(user.volumes).toEqual([])
    expect(user.warnings).toHaveLength(2)
    expect(user.warnings[0]).toContain(
      'volumes: /var/run/docker.sock:/var/run/docker.sock of the job container is not mounted'
    )
    expect(user.warnings[1]).toContain('/etc:/e of service redis')
    expect(user.warnings[1]).toContain(`outside its _work (${WORK})`)
  })

  test('a relative target is an input error naming the field', () => {
    expect(() => userVolumes([service('redis', [vol('cache:rel')], 2)], WORK)).toThrow(
      'services[2].userMountVolumes[0].targetVolumePath'
    )
  })
})

describe('withUserVolumes', () => {
  test('adds volumes and mounts to a copy of the pod', () => {
    const containers = { container: busybox(), services: [busybox()] }
    const pod = jobPodSpec({
      name: 'p',
      labels: {},
      ...containers,
      serviceNames: ['busybox'],
      options: jobOptions(containers, {}),
      storage: { mode: 'copy' },
      externalsDir: '/home/runner/externals'
    })
    const before = JSON.stringify(pod)
    const user = userVolumes(
      [job([vol('cache:/cache')]), service('busybox', [vol('cache:/c')])],
      WORK
    )
    const out = withUserVolumes(pod, user)
    expect(JSON.stringify(pod)).toBe(before)
    expect(out.spec!.volumes!.map(v => v.name)).toEqual(['work', 'externals', 'user-volume-0'])
    expect(out.spec!.containers[0].volumeMounts!.at(-1)).toEqual({
      name: 'user-volume-0',
      mountPath: '/cache'
    })
    expect(out.spec!.containers[1].volumeMounts).toEqual([
      { name: 'user-volume-0', mountPath: '/c' }
    ])
  })
})

describe('volumeOwners', () => {
  test('the job container (when there is one) and the services, by their pod names', () => {
    const owners = volumeOwners('job', null, [busybox(), busybox()], ['busybox', 'busybox-2'])
    expect(owners.map(o => [o.name, o.label, o.field])).toEqual([
      ['busybox', 'service busybox', 'args.services[0]'],
      ['busybox-2', 'service busybox-2', 'args.services[1]']
    ])
    expect(volumeOwners('job', busybox(), [], [])[0].label).toBe('the job container')
  })
})
