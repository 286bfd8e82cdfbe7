import { leftovers, runHook, uniqueRunner } from '../support/hook'
import { BUSYBOX, container, SERVICE } from '../support/inputs'

/** One `::error::` line, a non-zero exit, no stack trace, nothing left behind. */
async function expectOneError(
  run: Awaited<ReturnType<typeof runHook>>,
  runner: string,
  pattern: RegExp
): Promise<void> {
  expect(run.code).not.toBe(0)
  expect(run.errors).toHaveLength(1)
  expect(run.errors[0]).toMatch(pattern)
  expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/)
  expect(await leftovers(runner)).toEqual([])
}

describe('bad input and a broken environment', () => {
  it('malformed stdin', async () => {
    const runner = uniqueRunner('malformed')
    const run = await runHook('prepare_job', {}, null, runner, {
      stdin: '{"command":"prepare_job",'
    })
    await expectOneError(run, runner, /::error::.*JSON/i)
  })

  it('an unknown image, after retries', async () => {
    const runner = uniqueRunner('unknown-image')
    const run = await runHook(
      'prepare_job',
      {
        container: container(BUSYBOX),
        services: [container('container-hooks-test/does-not-exist:1')]
      },
      null,
      runner
    )
    await expectOneError(
      run,
      runner,
      /Could not pull args\.services\[0\]\.image "container-hooks-test\/does-not-exist:1" after 3 attempts/
    )
  })

  it('an unreachable engine (DOCKER_HOST pointing nowhere)', async () => {
    const runner = uniqueRunner('no-engine')
    const run = await runHook(
      'prepare_job',
      { container: container(BUSYBOX), services: [] },
      null,
      runner,
      {
        env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
      }
    )
    await expectOneError(
      run,
      runner,
      /Cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock .*\(ENOENT\)/
    )
  })

  it('a bad port string, before anything is created', async () => {
    const runner = uniqueRunner('bad-port')
    const run = await runHook(
      'prepare_job',
      {
        container: container(BUSYBOX),
        services: [container(SERVICE, { portMappings: ['80:abc'] })]
      },
      null,
      runner
    )
    await expectOneError(run, runner, /services\[0\]\.portMappings\[0\].*"80:abc"/)
  })

  it('an unknown create option, naming it', async () => {
    const runner = uniqueRunner('bad-option')
    const run = await runHook(
      'prepare_job',
      { container: container(BUSYBOX, { createOptions: '--cpus 1 --bogus all' }), services: [] },
      null,
      runner
    )
    await expectOneError(
      run,
      runner,
      /container\.createOptions: unknown flag --bogus \(not a flag of docker create\)/
    )
  })

  it('a malformed option value, naming the flag and the value', async () => {
    const runner = uniqueRunner('bad-option-value')
    const run = await runHook(
      'prepare_job',
      {
        container: container(BUSYBOX),
        services: [container(BUSYBOX, { createOptions: '-m 12q' })]
      },
      null,
      runner
    )
    await expectOneError(run, runner, /services\[0\]\.createOptions: --memory "12q": not a size/)
  })

  it('an invalid configuration variable, naming it', async () => {
    const runner = uniqueRunner('bad-config')
    const run = await runHook(
      'prepare_job',
      { container: container(BUSYBOX), services: [] },
      null,
      runner,
      {
        env: { ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: 'ten' }
      }
    )
    await expectOneError(
      run,
      runner,
      /ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS must be a whole number .*"ten"/
    )
  })

  it('a missing network named by ACTIONS_RUNNER_NETWORK_DRIVER', async () => {
    const runner = uniqueRunner('bad-network')
    const run = await runHook(
      'prepare_job',
      { container: container(BUSYBOX), services: [] },
      null,
      runner,
      {
        env: { ACTIONS_RUNNER_NETWORK_DRIVER: 'no-such-network-x' }
      }
    )
    await expectOneError(
      run,
      runner,
      /ACTIONS_RUNNER_NETWORK_DRIVER names the network "no-such-network-x", which does not exist/
    )
  })

  it('cleanup_job with a null or stale state succeeds and is idempotent', async () => {
    const runner = uniqueRunner('cleanup')
    for (const state of [
      null,
      { docker: 1, jobId: 'abcdefabcdef', network: null, container: null, services: [] },
      { something: 'else' }
    ]) {
      const run = await runHook('cleanup_job', {}, state, runner)
      expect(run.code).toBe(0)
      expect(run.errors).toEqual([])
    }
  })
})
