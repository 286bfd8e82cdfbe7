import { docker, expectServiceReached, leftovers, runHook, uniqueRunner } from '../support/hook'
import {
  ALPINE,
  BUSYBOX,
  container,
  fetchServiceStep,
  jobContainer,
  runnerSplit,
  script,
  SERVICE,
  UNHEALTHY,
  workDir
} from '../support/inputs'

/** A job whose service turns healthy only after a minute. */
function slowServiceJob(): unknown {
  return {
    container: container(BUSYBOX),
    services: [container(SERVICE, { environmentVariables: { READY_AFTER: '60' } })]
  }
}

describe('prepare_job on a real engine', () => {
  it('starts a job container and a service, reachable by alias, and answers per protocol', async () => {
    const runner = uniqueRunner('prepare')
    const { work } = workDir()
    const args = {
      container: jobContainer(work, {
        portMappings: ['8080'],
        createOptions:
          '--cpus 1 --memory 256m -e FROM_OPTIONS=yes --label team=hooks --init --hostname jobhost',
        environmentVariables: { FROM_JOB: 'job env' }
      }),
      services: [container(SERVICE, { portMappings: ['8080/tcp'] })]
    }
    const prepared = await runHook('prepare_job', args, null, runner)
    try {
      expect(prepared.errors).toEqual([])
      expect(prepared.code).toBe(0)
      expect(prepared.stdout).toContain(`Started the service "service" (${SERVICE})`)
      const response = prepared.response as {
        state: Record<string, unknown>
        isAlpine: boolean
        context: {
          container: { id: string; network: string; ports: Record<string, string> }
          services: Array<{ id: string; network: string; ports: Record<string, string> }>
        }
      }
      expect(response.isAlpine).toBe(false)
      const { container: job, services } = response.context
      expect(services).toHaveLength(1)
      expect(job.network).toMatch(/^ch-[0-9a-f]{12}$/)
      expect(services[0].network).toBe(job.network)
      expect(Object.keys(job.ports)).toEqual(['8080/tcp'])
      expect(Number(services[0].ports['8080/tcp'])).toBeGreaterThan(0)

      const info = await docker.getContainer(job.id).inspect()
      expect(info.HostConfig.NanoCpus).toBe(1e9)
      expect(info.HostConfig.Memory).toBe(256 * 2 ** 20)
      expect(info.HostConfig.Init).toBe(true)
      expect(info.Config.Hostname).toBe('jobhost')
      expect(info.Config.Labels).toMatchObject({
        team: 'hooks',
        'org.container-hooks.runner': runner
      })
      expect(info.Config.Env).toEqual(
        expect.arrayContaining([
          'HOME=/github/home',
          'GITHUB_ACTIONS=true',
          'CI=true',
          'FROM_JOB=job env',
          'FROM_OPTIONS=yes'
        ])
      )
      expect(info.Config.Entrypoint).toEqual(['tail'])
      expect(info.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '', HostPort: '' }] })
      const service = await docker.getContainer(services[0].id).inspect()
      expect(service.State.Health?.Status).toBe('healthy')
      expect(service.NetworkSettings.Networks[job.network].Aliases).toContain('service')

      expectServiceReached(
        await runHook('run_script_step', fetchServiceStep(), response.state, runner)
      )
    } finally {
      await runHook('cleanup_job', {}, prepared.response?.state ?? null, runner)
    }
    expect(await leftovers(runner)).toEqual([])
  })

  it('reports isAlpine from /etc/os-release and a service-only job', async () => {
    const runner = uniqueRunner('alpine')
    const alpine = await runHook(
      'prepare_job',
      { container: container(ALPINE), services: [] },
      null,
      runner
    )
    const serviceOnly = await runHook(
      'prepare_job',
      {
        container: null,
        services: [container(BUSYBOX, { entryPoint: 'tail', entryPointArgs: ['-f', '/dev/null'] })]
      },
      null,
      runner
    )
    try {
      expect(alpine.response).toMatchObject({ isAlpine: true })
      expect(serviceOnly.code).toBe(0)
      expect(serviceOnly.response).not.toHaveProperty('isAlpine')
      expect(serviceOnly.response).toMatchObject({ context: { services: [{ ports: {} }] } })
    } finally {
      await runHook('cleanup_job', {}, alpine.response?.state ?? null, runner)
    }
    // One cleanup removes the runner's earlier jobs too (same RUNNER_NAME).
    expect(await leftovers(runner)).toEqual([])
  })

  it('waits for a service that turns healthy after a delay', async () => {
    const runner = uniqueRunner('health-wait')
    const started = Date.now()
    const prepared = await runHook(
      'prepare_job',
      {
        container: null,
        services: [container(SERVICE, { environmentVariables: { READY_AFTER: '5' } })]
      },
      null,
      runner
    )
    try {
      expect(prepared.errors).toEqual([])
      expect(Date.now() - started).toBeGreaterThan(4000)
      expect(prepared.stdout).toMatch(
        /The service "service" \(container-hooks-test\/service:1\) is healthy after \d+\.\ds/
      )
      const [{ id }] = (prepared.response as { context: { services: Array<{ id: string }> } })
        .context.services
      expect((await docker.getContainer(id).inspect()).State.Health?.Status).toBe('healthy')
    } finally {
      await runHook('cleanup_job', {}, prepared.response?.state ?? null, runner)
    }
  })

  it('fails within ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS naming the service, with its logs', async () => {
    const runner = uniqueRunner('health-timeout')
    const started = Date.now()
    const prepared = await runHook('prepare_job', slowServiceJob(), null, runner, {
      env: { ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '3' }
    })
    expect(Date.now() - started).toBeLessThan(15000)
    expect(prepared.code).not.toBe(0)
    expect(prepared.errors).toHaveLength(1)
    expect(prepared.errors[0]).toMatch(
      /service "service" \(container-hooks-test\/service:1\) was not healthy after \d+s/
    )
    expect(prepared.stdout).toContain('container-hooks-test service: starting on port 8080')
    expect(await leftovers(runner)).toEqual([])
  })

  it('fails on an unhealthy service with its last health-check output, leaving nothing', async () => {
    const runner = uniqueRunner('unhealthy')
    const prepared = await runHook(
      'prepare_job',
      { container: null, services: [container(UNHEALTHY), container(SERVICE)] },
      null,
      runner
    )
    expect(prepared.code).toBe(1)
    expect(prepared.errors).toEqual([
      `::error::The service "unhealthy" (${UNHEALTHY}) is unhealthy. Last health check output: container-hooks-test unhealthy: failing on purpose`
    ])
    expect(prepared.stdout).toContain('container-hooks-test unhealthy: started')
    expect(prepared.response).toBeNull()
    expect(await leftovers(runner)).toEqual([])
  })

  it('applies health options from createOptions, and --no-healthcheck', async () => {
    const runner = uniqueRunner('health-options')
    const prepared = await runHook(
      'prepare_job',
      {
        container: null,
        services: [
          container(BUSYBOX, {
            entryPoint: 'sh',
            entryPointArgs: runnerSplit('-c "sleep 2; touch /tmp/ok; sleep 600"'),
            createOptions:
              '--health-cmd "test -f /tmp/ok" --health-interval 500ms --health-retries 30'
          }),
          container(UNHEALTHY, { createOptions: '--no-healthcheck' })
        ]
      },
      null,
      runner
    )
    try {
      expect(prepared.errors).toEqual([])
      expect(prepared.stdout).toContain(
        'The service "busybox" (container-hooks-test/busybox:1) is healthy after'
      )
    } finally {
      await runHook('cleanup_job', {}, prepared.response?.state ?? null, runner)
    }
  })

  it('stops waiting and removes everything when cancelled during prepare_job', async () => {
    const runner = uniqueRunner('prepare-cancel')
    const started = Date.now()
    const prepared = await runHook('prepare_job', slowServiceJob(), null, runner, {
      cancelAfterMs: 2000
    })
    expect(Date.now() - started).toBeLessThan(2000 + 7500)
    expect(prepared.code).toBe(130)
    expect(prepared.errors).toHaveLength(1)
    expect(await leftovers(runner)).toEqual([])
  })

  it("prints the services' logs at cleanup, and the job container's after a failed step", async () => {
    const runner = uniqueRunner('cleanup-logs')
    const job = container(BUSYBOX, {
      entryPoint: 'sh',
      entryPointArgs: runnerSplit('-c "echo job-container-says-hi; exec tail -f /dev/null"')
    })
    const prepared = await runHook(
      'prepare_job',
      { container: job, services: [container(SERVICE)] },
      null,
      runner
    )
    try {
      const failed = await runHook(
        'run_script_step',
        script(runnerSplit('-c "exit 5"'), { workingDirectory: '/' }),
        prepared.response!.state!,
        runner
      )
      expect(failed.code).toBe(5)
      // As the runner does: the state from prepare_job, since it drops a failed step's response.
      const cleanup = await runHook('cleanup_job', {}, prepared.response!.state!, runner)
      expect(cleanup.code).toBe(0)
      expect(cleanup.stdout).toContain(`::group::Logs of the service "service" (${SERVICE})`)
      expect(cleanup.stdout).toContain('container-hooks-test service: starting on port 8080')
      expect(cleanup.stdout).toContain(`::group::Logs of the job container (${BUSYBOX})`)
      expect(cleanup.stdout).toContain('job-container-says-hi')
    } finally {
      // Idempotent: also removes everything when an expectation above failed.
      await runHook('cleanup_job', {}, null, runner)
    }
    expect(await leftovers(runner)).toEqual([])
  })
})
