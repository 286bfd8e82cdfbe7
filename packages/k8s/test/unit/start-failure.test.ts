import type { V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node'
import { isRunning, startFailure } from '../../src/kube/pods'

const pod = (status: V1Pod['status'], containers = 1): V1Pod => ({
  spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}` })) },
  status
})

/** One container's status in the given state. */
const container = (name: string, state: V1ContainerState): V1ContainerStatus => ({
  name,
  image: 'x',
  imageID: '',
  ready: false,
  restartCount: 0,
  state
})

describe('job pod start', () => {
  test('fails fast on pull errors with the message', () => {
    const waiting = { reason: 'ErrImagePull', message: 'pull access denied' }
    const failure = startFailure(
      pod({ phase: 'Pending', containerStatuses: [container('job', { waiting })] })
    )
    expect(failure).toBe('container job: ErrImagePull: pull access denied')
  })

  test("waits through the kubelet's own retried waits: a Secret its cache had not caught up on", () => {
    const waiting = {
      reason: 'CreateContainerConfigError',
      message: 'failed to sync secret cache: timed out waiting for the condition'
    }
    expect(
      startFailure(pod({ phase: 'Pending', containerStatuses: [container('step', { waiting })] }))
    ).toBeUndefined()
    const missing = { reason: 'CreateContainerConfigError', message: 'secret "nope" not found' }
    expect(
      startFailure(
        pod({ phase: 'Pending', containerStatuses: [container('step', { waiting: missing })] })
      )
    ).toBe('container step: CreateContainerConfigError: secret "nope" not found')
  })

  test('fails fast when unschedulable or when a container exits while starting', () => {
    const unschedulable = pod({
      phase: 'Pending',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/1 nodes are available'
        }
      ]
    })
    expect(startFailure(unschedulable)).toContain('0/1 nodes are available')
    const exited = container('job', { terminated: { exitCode: 127, reason: 'Error' } })
    expect(startFailure(pod({ phase: 'Running', containerStatuses: [exited] }))).toContain(
      'container job exited with code 127'
    )
  })

  test('a pod still creating containers may still run', () => {
    const creating = pod({
      phase: 'Pending',
      containerStatuses: [container('job', { waiting: { reason: 'ContainerCreating' } })]
    })
    expect(startFailure(creating)).toBeUndefined()
    expect(isRunning(creating)).toBe(false)
  })

  test('running means every container runs', () => {
    const running = container('c', { running: {} })
    const waiting = container('c', { waiting: {} })
    expect(isRunning(pod({ phase: 'Running', containerStatuses: [running, running] }, 2))).toBe(
      true
    )
    expect(isRunning(pod({ phase: 'Running', containerStatuses: [running, waiting] }, 2))).toBe(
      false
    )
  })

  test('the externals copy counts once it has exited 0, and fails the pod with its message', () => {
    const job = container('job', { running: {} })
    const copying = container('externals', { running: {} })
    const copied = container('externals', { terminated: { exitCode: 0, reason: 'Completed' } })
    const missing = container('externals', {
      terminated: { exitCode: 1, reason: 'Error', message: 'no externals folder' }
    })
    const status = (c: V1ContainerStatus): V1Pod['status'] => ({
      phase: 'Running',
      containerStatuses: [c, job]
    })
    expect(isRunning(pod(status(copying), 2))).toBe(false)
    expect(startFailure(pod(status(copying), 2))).toBeUndefined()
    expect(isRunning(pod(status(copied), 2))).toBe(true)
    expect(startFailure(pod(status(copied), 2))).toBeUndefined()
    expect(isRunning(pod(status(missing), 2))).toBe(false)
    expect(startFailure(pod(status(missing), 2))).toBe(
      'container externals failed with code 1: no externals folder'
    )
  })
})
