import type Docker from 'dockerode'
import { DIAGNOSTICS_NAME } from '@container-hooks/hooklib'
import {
  debugCreateOptions,
  holdInstructions,
  holdMarkerOptions,
  holdUntil,
  jobReport
} from '../../src/specs/debug-container'
import { LABEL_HOLD_UNTIL } from '../../src/specs/labels'

describe('the debug container', () => {
  test('joins the job container’s PID and network namespaces and mounts its volumes read-only', () => {
    const options = debugCreateOptions({
      name: 'ch-1-debug-a',
      image: 'busybox:1.37',
      jobContainer: 'abc',
      workingDirectory: '/__w/r/r',
      labels: { l: 'v' }
    })
    expect(options).toMatchObject({
      name: 'ch-1-debug-a',
      Image: 'busybox:1.37',
      Entrypoint: ['sh'],
      Labels: { l: 'v' },
      HostConfig: {
        PidMode: 'container:abc',
        NetworkMode: 'container:abc',
        VolumesFrom: ['abc:ro']
      }
    })
    expect(options.Cmd!.slice(2)).toEqual([DIAGNOSTICS_NAME, '/__w/r/r', '/__w'])
  })
})

function inspected(name: string, state: Partial<Docker.ContainerInspectInfo['State']>, memory = 0) {
  return {
    Name: `/${name}`,
    RestartCount: 0,
    HostConfig: { Memory: memory },
    State: { Status: 'exited', ExitCode: 0, OOMKilled: false, Error: '', StartedAt: 'T', ...state }
  } as unknown as Docker.ContainerInspectInfo
}

describe('jobReport', () => {
  test('states, OOM kills, memory use and events', () => {
    const report = jobReport(
      [
        inspected('ch-1-job', { Status: 'running', StartedAt: '2026-12-02T15:00:00Z' }, 67108864),
        inspected('ch-1-redis', { ExitCode: 137, OOMKilled: true })
      ],
      { usage: 10485760, limit: 67108864, failcnt: 3 },
      ['2026-12-02T15:01:00.000Z oom ch-1-redis']
    )
    expect(report).toEqual([
      'container ch-1-job: running since 2026-12-02T15:00:00Z; OOM-killed no; restarts 0; memory limit 67108864 bytes',
      'container ch-1-redis: exited with exit code 137; OOM-killed yes; restarts 0; memory limit none',
      'job container memory: 10.0 MiB used of 64.0 MiB, limit hit 3 times',
      'OOM: ch-1-redis killed for exceeding the memory limit',
      'events (oom, die, kill):',
      '  2026-12-02T15:01:00.000Z oom ch-1-redis'
    ])
  })

  test('without stats or events', () => {
    expect(jobReport([inspected('j', {})], undefined, [])).toEqual([
      'container j: exited with exit code 0; OOM-killed no; restarts 0; memory limit none',
      'OOM: no container of the job was OOM-killed',
      'events (oom, die, kill): none'
    ])
  })
})

describe('the hold', () => {
  const until = new Date('2026-12-02T15:00:00.000Z')

  test('the marker carries the deadline; holdUntil reads it back', () => {
    const options = holdMarkerOptions('ch-1-hold', 'img', { r: 'x' }, until)
    expect(options).toMatchObject({ name: 'ch-1-hold', Image: 'img' })
    expect(holdUntil(options.Labels!)).toEqual(until)
    expect(holdUntil({ [LABEL_HOLD_UNTIL]: 'later' })).toBeUndefined()
    expect(holdUntil({})).toBeUndefined()
  })

  test('the instructions name the job container and how to release it', () => {
    const text = holdInstructions('ch-1-job', 'ch-1-hold', 'busybox:1.37', until).join('\n')
    expect(text).toContain(
      'docker run --rm -it --pid container:ch-1-job --network container:ch-1-job --volumes-from ch-1-job busybox:1.37 sh'
    )
    expect(text).toContain('docker exec -it ch-1-job sh')
    expect(text).toContain('docker rm ch-1-hold')
    expect(text).toContain('2026-12-02T15:00:00.000Z')
  })
})
