import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node'
import { parseCreateOptions } from '@container-hooks/hooklib'
import {
  describeContainer,
  healthOf,
  healthStopped,
  killedByProbe,
  lastProbeOutput,
  probedContainers
} from '../../src/kube/health'
import { startupProbe, unusedHealthFlags } from '../../src/specs/health-probe'

const health = (raw: string) => parseCreateOptions(raw).options.health

describe('startupProbe: docker health options as a Kubernetes probe', () => {
  test('only --health-cmd: docker defaults, but checked every 2 s, same 90 s budget', () => {
    expect(startupProbe(health('--health-cmd "pg_isready -U postgres"'))).toEqual({
      exec: { command: ['/bin/sh', '-c', 'pg_isready -U postgres'] },
      periodSeconds: 2,
      timeoutSeconds: 30,
      successThreshold: 1,
      // start period 0 + 3 retries × 30 s interval = 90 s = 45 checks 2 s apart
      failureThreshold: 45,
      terminationGracePeriodSeconds: 1
    })
  })

  test('interval, timeout, retries and start period keep docker’s time budget', () => {
    const probe = startupProbe(
      health(
        '--health-cmd "redis-cli ping" --health-interval 10s --health-timeout 5s --health-retries 5 --health-start-period 1m'
      )
    )
    // 60 s + 5 × 10 s = 110 s at 2 s
    expect(probe).toMatchObject({ periodSeconds: 2, timeoutSeconds: 5, failureThreshold: 55 })
  })

  test('sub-second values round up to Kubernetes’ 1 s minimum', () => {
    const probe = startupProbe(
      health('--health-cmd true --health-interval 500ms --health-timeout 100ms --health-retries 2')
    )
    // docker's 2 failed checks 500 ms apart: 2 checks 1 s apart, never fewer than the retries
    expect(probe).toMatchObject({ periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 2 })
    const oneSecond = startupProbe(
      health('--health-cmd true --health-interval 1s --health-retries 2')
    )
    expect(oneSecond).toMatchObject({ periodSeconds: 1, failureThreshold: 2 })
  })

  test('zero means docker’s default, as in docker', () => {
    expect(
      startupProbe(health('--health-cmd true --health-interval 0 --health-retries 0'))
    ).toEqual(startupProbe(health('--health-cmd true')))
  })

  test('no probe without a command, with --no-healthcheck or --health-cmd none', () => {
    expect(startupProbe(health(''))).toBeUndefined()
    expect(startupProbe(health('--no-healthcheck --health-cmd true'))).toBeUndefined()
    expect(startupProbe(health('--health-cmd none'))).toBeUndefined()
  })

  test('tuning flags without --health-cmd are reported: the image’s check is not readable', () => {
    expect(unusedHealthFlags(health('--health-interval 1s --health-retries 3'))).toEqual([
      '--health-interval',
      '--health-retries'
    ])
    expect(unusedHealthFlags(health('--health-cmd true --health-interval 1s'))).toEqual([])
    expect(unusedHealthFlags(health('--no-healthcheck --health-interval 1s'))).toEqual([])
  })
})

const status = (name: string, s: Partial<V1ContainerStatus>): V1ContainerStatus => ({
  name,
  image: 'x',
  imageID: '',
  ready: false,
  restartCount: 0,
  ...s
})

const pod = (statuses: V1ContainerStatus[]): V1Pod => ({
  metadata: { name: 'p' },
  spec: {
    containers: [
      { name: 'job', image: 'busybox:1', startupProbe: { exec: { command: ['true'] } } },
      { name: 'redis', image: 'redis:7', startupProbe: { exec: { command: ['true'] } } },
      { name: 'plain', image: 'nginx:1' }
    ]
  },
  status: { phase: 'Running', containerStatuses: statuses }
})

const event = (
  reason: string,
  container: string,
  message: string,
  lastTimestamp: string
): CoreV1Event =>
  ({
    reason,
    message,
    lastTimestamp,
    involvedObject: { kind: 'Pod', name: 'p', fieldPath: `spec.containers{${container}}` },
    metadata: {}
  }) as unknown as CoreV1Event

describe('the job pod’s health, from its status and events', () => {
  const running = { running: { startedAt: new Date() } }

  test('healthy once started; stopped when terminated before; starting otherwise', () => {
    const p = pod([
      status('job', { started: true, state: running }),
      status('redis', { started: false, state: { terminated: { exitCode: 137 } } }),
      status('plain', { started: true, state: running })
    ])
    expect(probedContainers(p)).toEqual(['job', 'redis'])
    expect(healthOf(p, 'job')).toBe('healthy')
    expect(healthOf(p, 'redis')).toBe('stopped')
    expect(healthStopped(p)).toBe(true)
    const starting = pod([status('redis', { started: false, state: running })])
    expect(healthOf(starting, 'redis')).toBe('starting')
    expect(healthOf(starting, 'job')).toBe('starting')
    expect(healthStopped(starting)).toBe(false)
  })

  test('descriptions as the Docker hook words them', () => {
    const p = pod([])
    expect(describeContainer(p, 'job')).toBe('job container (busybox:1)')
    expect(describeContainer(p, 'redis')).toBe('service "redis" (redis:7)')
  })

  test('the last probe output is the newest Unhealthy event of that container', () => {
    const events = [
      event('Unhealthy', 'redis', 'Startup probe failed: second\n', '2026-01-01T00:00:05Z'),
      event('Unhealthy', 'redis', 'Startup probe failed: first', '2026-01-01T00:00:01Z'),
      event('Unhealthy', 'job', 'Startup probe failed: not mine', '2026-01-01T00:00:09Z'),
      event('Killing', 'redis', 'Container redis failed startup probe, will be restarted', 'x')
    ]
    expect(lastProbeOutput(events, 'redis')).toBe('second')
    expect(lastProbeOutput(events, 'plain')).toBeUndefined()
    expect(killedByProbe(events, 'redis')).toBe(true)
    expect(killedByProbe(events, 'job')).toBe(false)
  })

  test('combined, errored and empty probe messages', () => {
    const at = '2026-01-01T00:00:01Z'
    const output = (message: string) =>
      lastProbeOutput([event('Unhealthy', 'redis', message, at)], 'redis')
    expect(output('(combined from similar events): Startup probe failed: down: yes')).toBe(
      'down: yes'
    )
    expect(output('Startup probe errored and resulted in unknown state: command timed out')).toBe(
      'command timed out'
    )
    expect(output('Startup probe failed: ')).toBe('(no output)')
  })
})
