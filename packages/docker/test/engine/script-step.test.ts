import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HookState } from '@container-hooks/hooklib'
import { docker, leftovers, runHook, uniqueRunner, until } from '../support/hook'
import { jobContainer, runnerSplit, script, workDir } from '../support/inputs'

describe('run_script_step on a real engine', () => {
  const runner = uniqueRunner('script')
  const dirs = workDir()
  let state: HookState
  let containerId: string

  beforeAll(async () => {
    const prepared = await runHook(
      'prepare_job',
      { container: jobContainer(dirs.work), services: [] },
      null,
      runner
    )
    expect(prepared.errors).toEqual([])
    state = prepared.response!.state!
    containerId = (prepared.response as { context: { container: { id: string } } }).context
      .container.id
  })

  afterAll(async () => {
    await runHook('cleanup_job', {}, state, runner)
    expect(await leftovers(runner)).toEqual([])
  })

  function scriptFile(name: string, body: string): string {
    writeFileSync(join(dirs.temp, name), body)
    return `/__w/_temp/${name}`
  }

  it('propagates the real exit code and records the failure on the engine', async () => {
    const step = await runHook(
      'run_script_step',
      script(['-e', scriptFile('exit3.sh', 'echo before\nexit 3\n')]),
      state,
      runner
    )
    expect(step.code).toBe(3)
    expect(step.stdout).toContain('before')
    expect(step.errors).toEqual(['::error::The step exited with code 3'])
    // The runner drops a failed step's response: the mark is a labelled volume instead.
    expect(step.response).toBeNull()
    const marks = await docker.listVolumes({
      filters: {
        label: [`org.container-hooks.runner=${runner}`, 'org.container-hooks.role=failed']
      }
    })
    expect(marks.Volumes?.map(v => v.Name)).toEqual([`ch-${state.jobId as string}-failed`])
  })

  it("starts its error line on a line of its own after the step's unterminated last line", async () => {
    const step = await runHook(
      'run_script_step',
      script(['-e', scriptFile('printf.sh', 'printf done\nexit 3\n')]),
      state,
      runner
    )
    expect(step.code).toBe(3)
    expect(step.stdout.endsWith('done\n::error::The step exited with code 3\n')).toBe(true)
    expect(step.errors).toEqual(['::error::The step exited with code 3'])
  })

  it('keeps a quoted argument with spaces as one argument', async () => {
    const file = scriptFile('args.sh', 'for a in "$@"; do echo "[$a]"; done\n')
    const step = await runHook(
      'run_script_step',
      script(runnerSplit(`-e ${file} "hello world" plain 'single quoted'`)),
      state,
      runner
    )
    expect(step.code).toBe(0)
    expect(step.stdout).toContain('[hello world]\n[plain]\n[single quoted]\n')
  })

  it('sends env through the API, prepends PATH, uses the working directory, streams stdout and stderr', async () => {
    const file = scriptFile(
      'env.sh',
      'echo "secret=$MY_SECRET"\necho "path=$PATH"\npwd\necho to-stderr >&2\n'
    )
    const step = await runHook(
      'run_script_step',
      script(['-e', file], {
        environmentVariables: { MY_SECRET: 's3cr3t value' },
        prependPath: ['/first', '/second'],
        workingDirectory: '/__w/_temp'
      }),
      state,
      runner
    )
    expect(step.code).toBe(0)
    expect(step.stdout).toContain('secret=s3cr3t value')
    expect(step.stdout).toContain('path=/first:/second:/usr/local/sbin:')
    expect(step.stdout).toContain('/__w/_temp\n')
    expect(step.stderr).toContain('to-stderr')
    // Never on a command line and never in the container's own config.
    const info = await docker.getContainer(containerId).inspect()
    expect(JSON.stringify(info)).not.toContain('s3cr3t')
  })

  it('lets the script write file commands that the runner reads on the host', async () => {
    const file = scriptFile(
      'files.sh',
      'echo "out=1" >> "$GITHUB_OUTPUT"\necho "E=2" >> "$GITHUB_ENV"\necho /opt/bin >> "$GITHUB_PATH"\n'
    )
    const fc = '/__w/_temp/_runner_file_commands'
    for (const name of ['out', 'env', 'path']) writeFileSync(join(dirs.fileCommands, name), '')
    const step = await runHook(
      'run_script_step',
      script(['-e', file], {
        environmentVariables: {
          GITHUB_OUTPUT: `${fc}/out`,
          GITHUB_ENV: `${fc}/env`,
          GITHUB_PATH: `${fc}/path`
        }
      }),
      state,
      runner
    )
    expect(step.code).toBe(0)
    expect(readFileSync(join(dirs.fileCommands, 'out'), 'utf8')).toBe('out=1\n')
    expect(readFileSync(join(dirs.fileCommands, 'env'), 'utf8')).toBe('E=2\n')
    expect(readFileSync(join(dirs.fileCommands, 'path'), 'utf8')).toBe('/opt/bin\n')
  })

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops the whole process tree on %s and exits inside the runner window',
    async cancelSignal => {
      const file = scriptFile(
        `cancel-${cancelSignal}.sh`,
        'echo started\nsh -c "sleep 300" &\nsleep 301\necho not-reached\n'
      )
      const sleeps = async (): Promise<string[]> =>
        ((await docker.getContainer(containerId).top()) as { Processes: string[][] }).Processes.map(
          p => p.join(' ')
        ).filter(p => /sleep 30[01]/.test(p))
      const step = await runHook('run_script_step', script(['-e', file]), state, runner, {
        // Both sleeps run (and must be killed) when the runner cancels.
        cancelWhen: () => until(async () => (await sleeps()).length === 2),
        cancelSignal
      })
      expect(step.cancelledAt).toBeDefined()
      expect(Date.now() - step.cancelledAt!).toBeLessThan(7500)
      expect(step.code).toBe(130)
      expect(step.stdout).toContain('started')
      expect(step.stdout).not.toContain('not-reached')
      expect(step.stdout).toContain(`Received ${cancelSignal}: cancelling`)
      expect(await sleeps()).toEqual([])
    }
  )

  it('fails, never succeeds, when the stream ends without an exit code', async () => {
    const file = scriptFile('long.sh', 'echo started\nsleep 300\n')
    const running = runHook('run_script_step', script(['-e', file]), state, runner)
    await new Promise(r => setTimeout(r, 1500))
    // The engine drops the exec: the container is restarted under it.
    await docker.getContainer(containerId).restart({ t: 0 })
    const step = await running
    expect(step.code).not.toBe(0)
    expect(step.errors).toHaveLength(1)
  })
})
