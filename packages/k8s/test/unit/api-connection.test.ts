import { KubeApiError, KubeClient } from '../../src/kube/client'
import { apiWatch, createAcrossCuts } from '../../src/kube/api-connection'

const client = new KubeClient({ server: 'https://127.0.0.1:6443', options: {} }, 'ns')

function watch(lines: string[]) {
  return apiWatch(client, 5_000, new AbortController().signal, { info: l => lines.push(l) })
}

/** A create that fails with each of `failures` in turn, then succeeds. */
function creates(...failures: Error[]) {
  const calls = { n: 0 }
  const create = (): Promise<void> => {
    const failure = failures[calls.n++]
    return failure ? Promise.reject(failure) : Promise.resolve()
  }
  return { calls, create }
}

describe('createAcrossCuts', () => {
  it('creates again after a lost connection, saying once it was lost and once it is back', async () => {
    const lines: string[] = []
    const { calls, create } = creates(new KubeApiError('socket hang up', 0))
    await createAcrossCuts(watch(lines), create)
    expect(calls.n).toBe(2)
    expect(lines).toEqual([
      expect.stringMatching(
        /^Lost the connection to the Kubernetes API server at https:\/\/127\.0\.0\.1:6443/
      ),
      expect.stringMatching(/^Reconnected to the Kubernetes API server/)
    ])
  })

  it('takes a 409 after a lost answer as its own earlier create', async () => {
    const { calls, create } = creates(
      new KubeApiError('socket hang up', 0),
      new KubeApiError('pods "x" already exists', 409)
    )
    await createAcrossCuts(watch([]), create)
    expect(calls.n).toBe(2)
  })

  it('fails on a 409 at the first attempt: the name is taken by another object', async () => {
    const { create } = creates(new KubeApiError('pods "x" already exists', 409))
    await expect(createAcrossCuts(watch([]), create)).rejects.toThrow(/already exists/)
  })

  it('does not retry an answer (403)', async () => {
    const { calls, create } = creates(new KubeApiError('forbidden', 403))
    await expect(createAcrossCuts(watch([]), create)).rejects.toThrow(/forbidden/)
    expect(calls.n).toBe(1)
  })
})

describe('apiWatch', () => {
  it('retries a 401 or 403 once the connection was lost: an API server just restarted', async () => {
    const lines: string[] = []
    const { calls, create } = creates(
      new KubeApiError('socket hang up', 0),
      new KubeApiError('Unauthorized', 401),
      new KubeApiError('pods "x" is forbidden', 403)
    )
    await watch(lines).call(create)
    expect(calls.n).toBe(4)
    expect(lines).toHaveLength(2)
  })

  it('does not retry a 403 while the connection is up: the permission is missing', async () => {
    const { calls, create } = creates(new KubeApiError('pods "x" is forbidden', 403))
    await expect(watch([]).call(create)).rejects.toThrow(/forbidden/)
    expect(calls.n).toBe(1)
  })
})
