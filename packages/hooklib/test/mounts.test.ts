import { classifyMount, InputError, type MountVolume } from '@container-hooks/hooklib'
import { jobContainerSystemMounts } from './fixtures/payloads'

function volume(
  sourceVolumePath: string | null,
  targetVolumePath = '/data',
  readOnly = false
): MountVolume {
  return { userProvidedValue: null, sourceVolumePath, targetVolumePath, readOnly }
}

describe('classifyMount', () => {
  it('binds every system mount of the job container (host paths)', () => {
    expect(jobContainerSystemMounts.map(m => classifyMount(m))).toEqual([
      {
        kind: 'bind',
        source: '/var/run/docker.sock',
        target: '/var/run/docker.sock',
        readOnly: false
      },
      { kind: 'bind', source: '/home/runner/_work', target: '/__w', readOnly: false },
      { kind: 'bind', source: '/home/runner/externals', target: '/__e', readOnly: true },
      { kind: 'bind', source: '/home/runner/_work/_temp', target: '/__w/_temp', readOnly: false },
      {
        kind: 'bind',
        source: '/home/runner/_work/_actions',
        target: '/__w/_actions',
        readOnly: false
      },
      { kind: 'bind', source: '/home/runner/_work/_tool', target: '/__w/_tool', readOnly: false },
      {
        kind: 'bind',
        source: '/home/runner/_work/_temp/_github_home',
        target: '/github/home',
        readOnly: false
      },
      {
        kind: 'bind',
        source: '/home/runner/_work/_temp/_github_workflow',
        target: '/github/workflow',
        readOnly: false
      }
    ])
  })

  it('mounts a name as a named volume', () => {
    expect(classifyMount(volume('my_docker_volume', '/volume_mount', true))).toEqual({
      kind: 'volume',
      source: 'my_docker_volume',
      target: '/volume_mount',
      readOnly: true
    })
  })

  it.each([null, ''])('mounts %j as an anonymous volume', source => {
    expect(classifyMount(volume(source))).toEqual({
      kind: 'anonymous',
      source: '',
      target: '/data',
      readOnly: false
    })
  })

  it('treats a missing readOnly as false', () => {
    const m = {
      userProvidedValue: null,
      sourceVolumePath: '/x',
      targetVolumePath: '/y'
    } as unknown as MountVolume
    expect(classifyMount(m).readOnly).toBe(false)
  })

  it.each([
    [
      volume('/x', ''),
      'Invalid args.userMountVolumes[0].targetVolumePath: expected an absolute container path, got ""'
    ],
    [
      volume('/x', 'relative'),
      'Invalid args.userMountVolumes[0].targetVolumePath: expected an absolute container path, got "relative"'
    ],
    [
      { sourceVolumePath: '/x' } as unknown as MountVolume,
      'Invalid args.userMountVolumes[0].targetVolumePath: expected an absolute container path, got null'
    ],
    [
      volume('./data'),
      'Invalid args.userMountVolumes[0].sourceVolumePath: expected an absolute host path or a volume name, got "./data"'
    ]
  ])('rejects %j naming the field', (m, message) => {
    expect(() => classifyMount(m, 'args.userMountVolumes[0]')).toThrow(new InputError(message))
  })

  it('names "mount" by default', () => {
    expect(() => classifyMount(volume('/x', ''))).toThrow(/^Invalid mount\.targetVolumePath/)
  })
})
