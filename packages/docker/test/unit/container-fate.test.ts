import { containerFate } from '../../src/specs/container-fate'

describe('containerFate', () => {
  const running = { State: { Running: true, OOMKilled: false, ExitCode: 0, Status: 'running' } }

  it('says nothing when the container is fine: the step itself failed', () => {
    expect(containerFate(running, 3)).toBeUndefined()
    expect(containerFate({}, 3)).toBeUndefined()
  })

  it('names an OOM kill with the memory limit', () => {
    const oom = { State: { Running: true, OOMKilled: true }, HostConfig: { Memory: 33554432 } }
    expect(containerFate(oom, 137)).toBe(
      "The step was killed for lack of memory (OOM-killed, exit code 137): the job container's memory limit is 32 MiB (options: --memory)"
    )
    expect(containerFate({ State: { OOMKilled: true }, HostConfig: { Memory: 0 } }, 137)).toMatch(
      /no memory limit, so the machine itself ran out of memory$/
    )
    const counted = { State: { Running: true, OOMKilled: false }, HostConfig: { Memory: 1 << 30 } }
    expect(containerFate(counted, 137, true)).toMatch(/memory limit is 1024 MiB/)
    // An earlier OOM kill does not explain a later step's own failure.
    expect(containerFate(oom, 1)).toBeUndefined()
  })

  it('names a container stopped or removed by someone else', () => {
    const killed = { State: { Running: false, OOMKilled: false, ExitCode: 137, Status: 'exited' } }
    expect(containerFate(killed, 137)).toMatch(
      /^The job container stopped while the step ran \(exited, its main process exited with code 137/
    )
    expect(containerFate({ State: { Running: false, Status: 'removing' } }, 137)).toMatch(
      /^The job container was removed while the step ran/
    )
    expect(containerFate(null, 137)).toMatch(/^The job container was removed while the step ran/)
  })
})
