/** ACTIONS_RUNNER_NETWORK_DRIVER naming an existing network: joined, aliases work, never removed. */
import { randomBytes } from 'node:crypto'
import { docker, expectServiceReached, leftovers, runHook, uniqueRunner } from '../support/hook'
import {
  BUSYBOX,
  container,
  fetchServiceStep,
  jobContainer,
  SERVICE,
  workDir
} from '../support/inputs'

describe('an existing network from ACTIONS_RUNNER_NETWORK_DRIVER', () => {
  const name = `ch-test-existing-${randomBytes(4).toString('hex')}`

  beforeAll(async () => {
    await docker.createNetwork({ Name: name, Labels: { 'org.container-hooks.test': 'existing' } })
  })

  afterAll(async () => {
    await docker.getNetwork(name).remove()
  })

  it('is joined by the job container and the services, serves the aliases, and survives cleanup_job', async () => {
    const runner = uniqueRunner('existing-net')
    const env = { ACTIONS_RUNNER_NETWORK_DRIVER: name }
    const dirs = workDir()
    const prepared = await runHook(
      'prepare_job',
      { container: jobContainer(dirs.work), services: [container(SERVICE)] },
      null,
      runner,
      { env }
    )
    const state = prepared.response?.state ?? null
    try {
      expect(prepared.errors).toEqual([])
      const { context } = prepared.response as {
        context: {
          container: { id: string; network: string }
          services: Array<{ id: string; network: string }>
        }
      }
      expect(context.container.network).toBe(name)
      expect(context.services[0].network).toBe(name)
      const job = await docker.getContainer(context.container.id).inspect()
      const service = await docker.getContainer(context.services[0].id).inspect()
      expect(Object.keys(job.NetworkSettings.Networks)).toEqual([name])
      expect(Object.keys(service.NetworkSettings.Networks)).toEqual([name])
      expect(service.NetworkSettings.Networks[name].Aliases).toContain('service')

      expectServiceReached(
        await runHook('run_script_step', fetchServiceStep(), state, runner, { env })
      )
      const step = container(BUSYBOX, {
        entryPoint: 'wget',
        entryPointArgs: ['-q', '-O', '-', 'http://service:8080/']
      })
      expectServiceReached(await runHook('run_container_step', step, state, runner, { env }))
    } finally {
      await runHook('cleanup_job', {}, state, runner, { env })
    }
    expect(await leftovers(runner)).toEqual([])
    const network = await docker.getNetwork(name).inspect()
    expect(network.Name).toBe(name)
    expect(network.Containers).toEqual({})
  })
})
