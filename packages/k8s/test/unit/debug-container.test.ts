import type { V1Pod } from '@kubernetes/client-node'
import { DIAGNOSTICS_NAME, diagnosticsCommand } from '@container-hooks/hooklib'
import {
  ANNOTATION_HOLD_UNTIL,
  ANNOTATION_RELEASE,
  debugContainerSpec,
  debugMounts,
  holdInstructions,
  holdPatch,
  holdUntil,
  podReport
} from '../../src/specs/debug-container'

const pod = (over: Partial<V1Pod> = {}): V1Pod => ({
  metadata: { name: 'runner-0-job-abc' },
  spec: {
    containers: [
      {
        name: 'job',
        image: 'x',
        volumeMounts: [
          { name: 'work', mountPath: '/__w' },
          { name: 'externals', mountPath: '/__e', readOnly: true },
          { name: 'work', mountPath: '/github/home', subPath: '_temp/_github_home' }
        ],
        resources: { limits: { memory: '64Mi' } }
      },
      { name: 'redis', image: 'redis' }
    ]
  },
  ...over
})

describe('the debug ephemeral container', () => {
  test('targets the job container and mounts its work volumes read-only, without subPath mounts', () => {
    const mounts = debugMounts(pod())
    expect(mounts).toEqual([
      { name: 'work', mountPath: '/__w', readOnly: true },
      { name: 'externals', mountPath: '/__e', readOnly: true }
    ])
    const spec = debugContainerSpec('debug-1', 'busybox:1.37', mounts, '/__w/repo/repo')
    expect(spec).toMatchObject({
      name: 'debug-1',
      image: 'busybox:1.37',
      targetContainerName: 'job',
      volumeMounts: mounts
    })
    expect(spec.command!.slice(0, 2)).toEqual(['sh', '-c'])
    expect(spec.command!.slice(3)).toEqual([DIAGNOSTICS_NAME, '/__w/repo/repo', '/__w'])
    // What the kubelet makes of it ($$ → $, $(VAR) → its value) is the script itself.
    const kubelet = (arg: string): string =>
      arg.replace(
        /\$(\$|\(([A-Za-z_][A-Za-z0-9_]*)\))/g,
        (_: string, _next: string, name?: string) => (name === undefined ? '$' : `<${name}>`)
      )
    expect(spec.command!.map(kubelet)).toEqual(diagnosticsCommand('/__w/repo/repo'))
    expect(diagnosticsCommand('/x')[2]).toContain('$$')
    // Fields Kubernetes refuses in ephemeral containers.
    for (const field of ['ports', 'resources', 'livenessProbe', 'readinessProbe', 'lifecycle'])
      expect(spec).not.toHaveProperty(field)
  })

  test('a pod without a job container gives no mounts', () => {
    expect(debugMounts({ spec: { containers: [] } })).toEqual([])
  })
})

describe('podReport', () => {
  test('container states, limits, OOM kills and warning events', () => {
    const report = podReport(
      pod({
        status: {
          phase: 'Running',
          qosClass: 'Burstable',
          containerStatuses: [
            {
              name: 'job',
              image: 'x',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { terminated: { exitCode: 137, reason: 'OOMKilled' } }
            },
            {
              name: 'redis',
              image: 'redis',
              imageID: '',
              ready: false,
              restartCount: 2,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error' } }
            }
          ]
        }
      }),
      ['BackOff: restarting failed container']
    )
    expect(report).toEqual([
      'pod runner-0-job-abc: phase Running, QoS Burstable',
      'container job: terminated with exit code 137 (OOMKilled); restarts 0; memory limit 64Mi',
      'container redis: waiting (CrashLoopBackOff: back-off); restarts 2; memory limit none; before: terminated with exit code 1 (Error)',
      'OOM: job killed for exceeding the memory limit',
      'warning events:',
      '  BackOff: restarting failed container'
    ])
  })

  test('an evicted pod without events', () => {
    const report = podReport(
      pod({ status: { phase: 'Failed', reason: 'Evicted', message: 'low on memory' } }),
      []
    )
    expect(report).toContain('pod runner-0-job-abc: phase Failed (Evicted: low on memory), QoS ?')
    expect(report).toContain('evicted: low on memory')
    expect(report).toContain('OOM: no container of the pod was OOM-killed')
    expect(report).toContain('warning events: none')
  })
})

describe('the hold', () => {
  const until = new Date('2026-12-02T15:00:00.000Z')

  test('the patch sets the deadline and clears an old release', () => {
    expect(holdPatch(until)).toEqual({
      metadata: {
        annotations: {
          [ANNOTATION_HOLD_UNTIL]: '2026-12-02T15:00:00.000Z',
          [ANNOTATION_RELEASE]: null
        }
      }
    })
  })

  test('holdUntil reads the annotation; a release or a bad value ends it', () => {
    const annotated = (annotations: Record<string, string>): V1Pod => ({
      metadata: { name: 'p', annotations }
    })
    expect(holdUntil(annotated({ [ANNOTATION_HOLD_UNTIL]: until.toISOString() }))).toEqual(until)
    expect(
      holdUntil(
        annotated({ [ANNOTATION_HOLD_UNTIL]: until.toISOString(), [ANNOTATION_RELEASE]: 'true' })
      )
    ).toBeUndefined()
    expect(holdUntil(annotated({ [ANNOTATION_HOLD_UNTIL]: 'soon' }))).toBeUndefined()
    expect(holdUntil({ metadata: {} })).toBeUndefined()
  })

  test('the instructions name the namespace, the pod and the job container', () => {
    const text = holdInstructions('ci', 'runner-0-job-abc', 'busybox:1.37', until).join('\n')
    expect(text).toContain(
      'kubectl -n ci debug -it runner-0-job-abc --image=busybox:1.37 --target=job -- sh'
    )
    expect(text).toContain('kubectl -n ci exec -it runner-0-job-abc -c job -- sh')
    expect(text).toContain(`kubectl -n ci annotate pod runner-0-job-abc ${ANNOTATION_RELEASE}=true`)
    expect(text).toContain('2026-12-02T15:00:00.000Z')
  })
})
