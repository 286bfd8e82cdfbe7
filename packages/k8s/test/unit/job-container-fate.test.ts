import type { V1Pod } from '@kubernetes/client-node'
import { JOB_POD_DELETED, jobContainerFate } from '../../src/specs/job-container-fate'

function pod(extra: { status?: V1Pod['status']; memory?: string; deleting?: boolean } = {}): V1Pod {
  return {
    metadata: {
      name: 'runner-0-job-abc',
      ...(extra.deleting ? { deletionTimestamp: new Date() } : {})
    },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: 'job',
          image: 'alpine',
          ...(extra.memory ? { resources: { limits: { memory: extra.memory } } } : {})
        }
      ]
    },
    status: extra.status ?? {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'job',
          image: 'alpine',
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { running: {} }
        }
      ]
    }
  }
}

const terminated = (reason: string, exitCode: number): V1Pod['status'] => ({
  phase: 'Running',
  containerStatuses: [
    {
      name: 'job',
      image: 'alpine',
      imageID: '',
      ready: false,
      restartCount: 0,
      state: { terminated: { reason, exitCode } }
    }
  ]
})

/** A pod the kubelet or a controller stopped, with the pod-level reason and message. */
const stopped = (reason: string, message?: string): V1Pod =>
  pod({ status: { phase: 'Failed', reason, message } })

describe('jobContainerFate', () => {
  test('says nothing when pod and container are fine: the step itself failed', () => {
    expect(jobContainerFate(pod(), 'job', 3)).toBeUndefined()
    expect(jobContainerFate(pod(), 'job', 137)).toBeUndefined()
    expect(jobContainerFate(pod(), 'job', undefined)).toBeUndefined()
  })

  test('names an OOM kill with the memory limit, counted by the cgroup or reported by the kubelet', () => {
    expect(jobContainerFate(pod({ memory: '64Mi' }), 'job', 137, true)).toBe(
      "The step was killed for lack of memory (OOM-killed, exit code 137): the job container's memory limit is 64Mi (options: --memory, or resources.limits.memory in the pod template)"
    )
    const killed = pod({ memory: '1Gi', status: terminated('OOMKilled', 137) })
    expect(jobContainerFate(killed, 'job', undefined)).toMatch(/OOM-killed.*limit is 1Gi/)
    expect(jobContainerFate(pod(), 'job', 137, true)).toMatch(
      /no memory limit, so the machine itself ran out of memory$/
    )
    // An earlier OOM kill does not explain a later step's own failure.
    expect(jobContainerFate(pod({ memory: '64Mi' }), 'job', 1, true)).toBeUndefined()
  })

  test("names an eviction with the kubelet's reason", () => {
    const evicted = stopped(
      'Evicted',
      'Pod ephemeral local storage usage exceeds the total limit of containers 10Mi. '
    )
    expect(jobContainerFate(evicted, 'job', undefined)).toBe(
      'The job pod was evicted by the kubelet while the step ran: Pod ephemeral local storage usage exceeds the total limit of containers 10Mi.'
    )
  })

  test("names an eviction from the kubelet's event when the pod ended Succeeded without the reason", () => {
    const event = {
      metadata: {},
      involvedObject: {},
      reason: 'Evicted',
      message: 'Pod ephemeral local storage usage exceeds the total limit of containers 8Mi. '
    }
    const succeeded = pod({ status: terminated('Completed', 0) })
    expect(jobContainerFate(succeeded, 'job', undefined, false, [event])).toBe(
      'The job pod was evicted by the kubelet while the step ran: Pod ephemeral local storage usage exceeds the total limit of containers 8Mi.'
    )
  })

  test('names a lost node, a node shutdown and the disruptions Kubernetes reports', () => {
    expect(jobContainerFate(stopped('NodeLost'), 'job', undefined)).toBe(
      "The job pod's node node-1 stopped answering while the step ran (node lost)"
    )
    const shutdown = stopped(
      'Terminated',
      'Pod was terminated in response to imminent node shutdown.'
    )
    expect(jobContainerFate(shutdown, 'job', 137)).toMatch(
      /its node shut down \(Pod was terminated/
    )
    const tainted = pod({
      deleting: true,
      status: {
        conditions: [
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'DeletionByTaintManager',
            message: 'Taint manager: deleting due to NoExecute taint'
          }
        ]
      }
    })
    expect(jobContainerFate(tainted, 'job', undefined)).toBe(
      'The job pod was stopped while the step ran: its node stopped answering (node lost) and Kubernetes deleted the pod (Taint manager: deleting due to NoExecute taint)'
    )
  })

  test('names a pod deleted by someone else, gone or still terminating', () => {
    expect(jobContainerFate(null, 'job', undefined)).toBe(JOB_POD_DELETED)
    expect(jobContainerFate(pod({ deleting: true }), 'job', 137)).toBe(JOB_POD_DELETED)
  })

  test('names a job container that stopped under the step', () => {
    expect(jobContainerFate(pod({ status: terminated('Error', 2) }), 'job', 137)).toBe(
      'The job container stopped while the step ran (Error, exit code 2: killed or stopped by something other than this hook)'
    )
  })
})
