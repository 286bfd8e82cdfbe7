/**
 * `options: --gpus all` reaches the engine with the DeviceRequests the Docker CLI sends: the
 * hook talks to the real engine through a recording proxy, and the CLI to a recording stand-in.
 * This machine has no GPU, so the engine refuses the container: that error is shown as is.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startCliRecorder } from '../support/cli-recorder'
import { leftovers, runHook, uniqueRunner } from '../support/hook'
import { BUSYBOX, container } from '../support/inputs'

const CLI = '/usr/bin/docker'

it('sends the CLI’s DeviceRequests and shows the engine’s refusal as is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gpus-'))
  const proxy = await startCliRecorder(join(dir, 'proxy.sock'), '/var/run/docker.sock')
  const standIn = await startCliRecorder(join(dir, 'cli.sock'))
  const runner = uniqueRunner('gpus')
  try {
    await promisify(execFile)(CLI, ['create', '--gpus', 'all', BUSYBOX], {
      env: { PATH: process.env.PATH, HOME: dir, DOCKER_HOST: `unix://${join(dir, 'cli.sock')}` }
    })
    const run = await runHook(
      'prepare_job',
      { container: container(BUSYBOX, { createOptions: '--gpus all' }), services: [] },
      null,
      runner,
      { env: { DOCKER_HOST: `unix://${join(dir, 'proxy.sock')}` } }
    )
    const cliRequests = standIn.creates[0].body.HostConfig as Record<string, unknown>
    const ours = proxy.creates[0].body.HostConfig as Record<string, unknown>
    expect(ours.DeviceRequests).toEqual(cliRequests.DeviceRequests)
    expect(ours.DeviceRequests).toEqual([
      { Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']], Options: {} }
    ])
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toContain('could not select device driver "" with capabilities: [[gpu]]')
  } finally {
    await proxy.close()
    await standIn.close()
  }
  expect(await leftovers(runner)).toEqual([])
})
