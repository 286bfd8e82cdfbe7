import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HookContainer } from '@container-hooks/hooklib'
import {
  docker,
  expectServiceReached,
  leftovers,
  runHook,
  uniqueRunner,
  until,
  withJob
} from '../support/hook'
import { BUSYBOX, container, runnerSplit, SERVICE, workDir } from '../support/inputs'

/** The runner's container-step input: workspace, file commands and temp mounted per docs/protocol.md. */
function stepArgs(
  dirs: ReturnType<typeof workDir>,
  overrides: Partial<HookContainer>
): HookContainer {
  const workspace = join(dirs.work, 'repo')
  mkdirSync(workspace, { recursive: true })
  const mount = (source: string, target: string) => ({
    userProvidedValue: null,
    sourceVolumePath: source,
    targetVolumePath: target,
    readOnly: false
  })
  return container(BUSYBOX, {
    workingDirectory: '/github/workspace',
    environmentVariables: {
      GITHUB_OUTPUT: '/github/file_commands/out',
      GITHUB_ENV: '/github/file_commands/env',
      GITHUB_PATH: '/github/file_commands/path'
    },
    systemMountVolumes: [
      mount(dirs.temp, '/github/runner_temp'),
      mount(dirs.fileCommands, '/github/file_commands'),
      mount(workspace, '/github/workspace')
    ],
    ...overrides
  })
}

describe('run_container_step on a real engine', () => {
  it('works with state null: entrypoint, quoted args, file commands, workspace, exit code', async () => {
    const runner = uniqueRunner('step-null')
    const dirs = workDir()
    const ok = await runHook(
      'run_container_step',
      stepArgs(dirs, {
        entryPoint: 'sh',
        entryPointArgs: runnerSplit(
          '-c "echo out=1 >> $GITHUB_OUTPUT; echo E=2 >> $GITHUB_ENV; echo /opt/x >> $GITHUB_PATH; echo made > made.txt; echo \\"[$0]\\"" "two words"'
        )
      }),
      null,
      runner
    )
    expect(ok.errors).toEqual([])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('[two words]')
    expect(readFileSync(join(dirs.fileCommands, 'out'), 'utf8')).toBe('out=1\n')
    expect(readFileSync(join(dirs.fileCommands, 'env'), 'utf8')).toBe('E=2\n')
    expect(readFileSync(join(dirs.fileCommands, 'path'), 'utf8')).toBe('/opt/x\n')
    expect(readFileSync(join(dirs.work, 'repo/made.txt'), 'utf8')).toBe('made\n')

    const failed = await runHook(
      'run_container_step',
      stepArgs(dirs, { entryPoint: 'sh', entryPointArgs: ['-c', '"exit', '3"'] }),
      null,
      runner
    )
    expect(failed.code).toBe(3)
    expect(failed.errors).toEqual(['::error::The step exited with code 3'])
    // Only the failed step's mark is left, for cleanup_job (which removes it).
    expect(await leftovers(runner)).toEqual([
      expect.stringMatching(/^volume ch-[0-9a-f]{12}-failed$/)
    ])
    expect((await runHook('cleanup_job', {}, null, runner)).code).toBe(0)
    expect(await leftovers(runner)).toEqual([])
  })

  it("runs the image's own ENTRYPOINT when none is given, and removes the built image at cleanup", async () => {
    const runner = uniqueRunner('dockerfile')
    const dirs = workDir()
    const action = join(dirs.work, '_actions/owner/repo/v1')
    mkdirSync(action, { recursive: true })
    writeFileSync(
      join(action, 'Dockerfile'),
      `FROM ${BUSYBOX}\nCOPY entry.sh /entry.sh\nENTRYPOINT ["sh", "/entry.sh"]\nCMD ["default-cmd"]\n`
    )
    writeFileSync(
      join(action, 'entry.sh'),
      'echo "entry: $*"\necho "built=yes" >> "$GITHUB_OUTPUT"\n'
    )
    const args = stepArgs(dirs, {
      image: null,
      dockerfile: join(action, 'Dockerfile'),
      entryPointArgs: runnerSplit('"an arg" two')
    })
    const step = await runHook('run_container_step', args, null, runner)
    expect(step.errors).toEqual([])
    expect(step.stdout).toContain('entry: an arg two')
    expect(readFileSync(join(dirs.fileCommands, 'out'), 'utf8')).toBe('built=yes\n')
    const noArgs = await runHook(
      'run_container_step',
      { ...args, entryPointArgs: [] },
      null,
      runner
    )
    expect(noArgs.stdout).toContain('entry: default-cmd')
    expect(await leftovers(runner)).toEqual([
      expect.stringMatching(/^image container-hooks-build\//)
    ])
    await runHook('cleanup_job', {}, null, runner)
    expect(await leftovers(runner)).toEqual([])
  })

  it('reaches the services by alias on the job network', async () => {
    const runner = uniqueRunner('step-service')
    const dirs = workDir()
    await withJob({ container: null, services: [container(SERVICE)] }, runner, async prepared => {
      const args = stepArgs(dirs, {
        entryPoint: 'wget',
        entryPointArgs: ['-q', '-O', '-', 'http://service:8080/']
      })
      expectServiceReached(
        await runHook('run_container_step', args, prepared.response!.state!, runner)
      )
    })
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops and removes the step container on %s',
    async cancelSignal => {
      const runner = uniqueRunner('step-cancel')
      const dirs = workDir()
      const step = await runHook(
        'run_container_step',
        stepArgs(dirs, {
          entryPoint: 'sh',
          entryPointArgs: runnerSplit('-c "echo started; sleep 300; echo not-reached"')
        }),
        null,
        runner,
        {
          cancelWhen: output => until(() => Promise.resolve(output().includes('started'))),
          cancelSignal
        }
      )
      expect(step.cancelledAt).toBeDefined()
      expect(Date.now() - step.cancelledAt!).toBeLessThan(7500)
      expect(step.code).toBe(130)
      expect(step.stdout).toContain('started')
      expect(step.stdout).not.toContain('not-reached')
      expect(step.stdout).toContain(`Received ${cancelSignal}: cancelling`)
      expect(await leftovers(runner)).toEqual([])
      const all = await docker.listContainers({
        all: true,
        filters: { label: [`org.container-hooks.runner=${runner}`] }
      })
      expect(all).toEqual([])
    }
  )
})
