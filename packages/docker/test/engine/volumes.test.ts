/**
 * The workflow's `volumes:` (userMountVolumes) on the real engine: a named volume, an anonymous
 * one, host paths read-only and read-write, on the job container and a service.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MountVolume } from '@container-hooks/hooklib'
import {
  anonymousVolumes,
  docker,
  existingVolumes,
  leftovers,
  runHook,
  uniqueRunner
} from '../support/hook'
import { BUSYBOX, container, jobContainer, runnerSplit, script, workDir } from '../support/inputs'

/** What the runner sends for a `volumes:` entry (its MountVolume parse of "src:dst[:ro]"). */
function volume(source: string | null, target: string, readOnly = false): MountVolume {
  const value = source === null ? target : `${source}:${target}${readOnly ? ':ro' : ''}`
  return { userProvidedValue: value, sourceVolumePath: source, targetVolumePath: target, readOnly }
}

describe('user volumes on a real engine', () => {
  const named = `ch-test-named-${randomBytes(4).toString('hex')}`

  afterAll(async () => {
    await docker
      .getVolume(named)
      .remove()
      .catch(() => undefined)
  })

  it('mounts named, anonymous and host volumes (read-only enforced); cleanup removes the anonymous ones and keeps the named one', async () => {
    const runner = uniqueRunner('volumes')
    const dirs = workDir()
    const hostRo = join(dirs.work, 'host-ro')
    const hostRw = join(dirs.work, 'host-rw')
    mkdirSync(hostRo)
    mkdirSync(hostRw)
    writeFileSync(join(hostRo, 'hello.txt'), 'from the host\n')
    const args = {
      container: jobContainer(dirs.work, {
        userMountVolumes: [
          volume(named, '/named'),
          volume(null, '/anon'),
          volume(hostRo, '/host-ro', true),
          volume(hostRw, '/host-rw')
        ]
      }),
      services: [
        container(BUSYBOX, {
          entryPoint: 'tail',
          entryPointArgs: ['-f', '/dev/null'],
          userMountVolumes: [volume(null, '/service-anon'), volume(named, '/shared', true)]
        })
      ]
    }
    const prepared = await runHook('prepare_job', args, null, runner)
    const state = prepared.response?.state ?? null
    let anonymous: string[] = []
    try {
      expect(prepared.errors).toEqual([])
      const context = (
        prepared.response as { context: { container: { id: string }; services: [{ id: string }] } }
      ).context
      anonymous = [
        ...(await anonymousVolumes(context.container.id)),
        ...(await anonymousVolumes(context.services[0].id))
      ]
      expect(anonymous).toHaveLength(2)
      expect(await existingVolumes(anonymous)).toEqual(anonymous)

      const step = await runHook(
        'run_script_step',
        script(
          runnerSplit(
            '-c "cat /host-ro/hello.txt; if touch /host-ro/probe 2>/dev/null; then echo ro-writable; else echo ro-refused; fi; echo kept > /named/data; echo anon > /anon/data && cat /anon/data; echo from-container > /host-rw/out"'
          )
        ),
        state,
        runner
      )
      expect(step.errors).toEqual([])
      expect(step.stdout).toContain('from the host\nro-refused\nanon\n')
      expect(readFileSync(join(hostRw, 'out'), 'utf8')).toBe('from-container\n')
      // The service sees the job's named volume, read-only as asked.
      const service = docker.getContainer(context.services[0].id)
      const exec = await service.exec({
        Cmd: ['sh', '-c', 'cat /shared/data; touch /shared/x 2>/dev/null || echo shared-ro'],
        AttachStdout: true,
        AttachStderr: true
      })
      const stream = await exec.start({ hijack: true, stdin: false })
      let out = ''
      stream.on('data', (d: Buffer) => (out += d.toString()))
      await new Promise(r => stream.on('end', r))
      expect(out).toContain('kept')
      expect(out).toContain('shared-ro')
    } finally {
      await runHook('cleanup_job', {}, state, runner)
    }
    expect(await leftovers(runner)).toEqual([])
    // Anonymous volumes go with their containers; the named one stays, with its data.
    expect(await existingVolumes(anonymous)).toEqual([])
    expect(await existingVolumes([named])).toEqual([named])

    const next = await runHook(
      'run_container_step',
      container(BUSYBOX, {
        entryPoint: 'cat',
        entryPointArgs: ['/named/data'],
        userMountVolumes: [volume(named, '/named', true)]
      }),
      null,
      runner
    )
    expect(next.stdout).toContain('kept')
    expect(await leftovers(runner)).toEqual([])
  })
})
