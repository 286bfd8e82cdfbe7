import type { V1Pod } from '@kubernetes/client-node'
import { isRunning, startFailure } from '../../src/kube/pods'

const pod = (status: V1Pod['status'], containers = 1): V1Pod => ({
  spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}` })) },
  status
})

describe('job pod start', () => {
  test('fails fast on pull errors with the message', () => {
    const failure = startFailure(
      pod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'job',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImagePull', message: 'pull access denied' } }
          }
        ]
      })
    )
    expect(failure).toBe('container job: ErrImagePull: pull access denied')
  })

  test('fails fast when unschedulable or when a container exits while starting', () => {
    expect(
      startFailure(
        pod({
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
      )
    ).toContain('0/1 nodes are available')
    expect(
      startFailure(
        pod({
          phase: 'Running',
          containerStatuses: [
            {
              name: 'job',
              image: 'x',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 127, reason: 'Error' } }
            }
          ]
        })
      )
    ).toContain('container job exited with code 127')
  })

  test('a pod still creating containers may still run', () => {
    const creating = pod({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'job',
          image: 'x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ContainerCreating' } }
        }
      ]
    })
    expect(startFailure(creating)).toBeUndefined()
    expect(isRunning(creating)).toBe(false)
  })

  test('running means every container runs', () => {
    const status = (running: boolean) => ({
      name: 'c',
      image: 'x',
      imageID: '',
      ready: true,
      restartCount: 0,
      state: running ? { running: {} } : { waiting: {} }
    })
    expect(
      isRunning(pod({ phase: 'Running', containerStatuses: [status(true), status(true)] }, 2))
    ).toBe(true)
    expect(
      isRunning(pod({ phase: 'Running', containerStatuses: [status(true), status(false)] }, 2))
    ).toBe(false)
  })
})
