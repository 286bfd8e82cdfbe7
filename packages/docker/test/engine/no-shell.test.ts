/**
 * A job image without /bin/sh: script steps run directly, as before the spooling wrapper
 * (docs/docker.md, "A dropped connection"), with their real exit codes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { docker, runHook, uniqueRunner, withJob } from '../support/hook'
import { BUSYBOX, jobContainer, script, workDir } from '../support/inputs'

const IMAGE = `container-hooks-test/no-shell:${uniqueRunner('img').slice(5)}`

async function buildNoShellImage(): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'no-shell-'))
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM ${BUSYBOX}\nRUN ["/bin/busybox", "rm", "/bin/sh"]\nLABEL org.container-hooks.test=1\n`
  )
  const stream = await docker.buildImage({ context, src: ['Dockerfile'] }, { t: IMAGE })
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
      const failed = err ?? events.find(e => e.error)?.error
      if (failed) reject(new Error(String(failed)))
      else resolve()
    })
  )
}

describe('a job image without sh', () => {
  beforeAll(buildNoShellImage)
  afterAll(() => docker.getImage(IMAGE).remove({ force: true }))

  it('records no shell and runs script steps directly, with their exit codes', async () => {
    const dirs = workDir()
    const runner = uniqueRunner('nosh')
    const args = { container: jobContainer(dirs.work, { image: IMAGE }), services: [] }
    await withJob(args, runner, async prepared => {
      expect(prepared.errors).toEqual([])
      const state = prepared.response!.state!
      expect((state as { container: { shell: boolean } }).container.shell).toBe(false)
      const step = await runHook(
        'run_script_step',
        script(['sh', '-c', '"echo direct; exit 5"'], { entryPoint: '/bin/busybox' }),
        state,
        runner
      )
      expect(step.code).toBe(5)
      expect(step.stdout).toContain('direct\n')
      expect(step.errors).toEqual(['::error::The step exited with code 5'])
    })
  })
})
