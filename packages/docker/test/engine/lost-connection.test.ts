/**
 * A script step whose engine connection breaks, through a proxy that cuts every connection
 * (test/support/cutting-proxy.ts).
 */
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { HookState } from '@container-hooks/hooklib'
import { startCuttingProxy, type CuttingProxy } from '../support/cutting-proxy'
import { leftovers, prepareJob, runHook, uniqueRunner, until, withJob } from '../support/hook'
import { jobContainer, script, workDir } from '../support/inputs'

describe('run_script_step when the engine connection breaks', () => {
  const runner = uniqueRunner('lost')
  const dirs = workDir()
  let state: HookState
  let proxy: CuttingProxy

  beforeAll(async () => {
    proxy = await startCuttingProxy()
    state = await prepareJob(runner, dirs.work)
  })

  afterAll(async () => {
    await proxy.close()
    await runHook('cleanup_job', {}, state, runner)
    expect(await leftovers(runner)).toEqual([])
  })

  function scriptFile(name: string, body: string): string {
    writeFileSync(join(dirs.temp, name), body)
    return `/__w/_temp/${name}`
  }

  // Generous: the full suite runs other engine tests (100 jobs) next to these.
  const printed = (text: string) => async (stdout: () => string) =>
    until(() => Promise.resolve(stdout().includes(text)), 60_000)

  /**
   * A step that waits at `gate(name)` until the test has cut its connection: on a loaded machine
   * a step with a fixed pause may end before the test, polling the hook's output, gets to it.
   */
  const gate = (name: string): string => `until [ -e /__w/_temp/${name} ]; do sleep 0.05; done\n`
  const openGate = (name: string): void => writeFileSync(join(dirs.temp, name), '')

  /** runHook options: through `via`, every connection cut once `text` is printed. */
  const cutAfter = (text: string, via: CuttingProxy = proxy) => ({
    env: { DOCKER_HOST: via.dockerHost },
    during: async (stdout: () => string) => {
      await printed(text)(stdout)
      via.cut()
    }
  })

  it('the proxy relays a step untouched when it cuts nothing', async () => {
    const file = scriptFile('exit7.sh', 'echo hi\nexit 7\n')
    const step = await runHook('run_script_step', script(['-e', file]), state, runner, {
      env: { DOCKER_HOST: proxy.dockerHost }
    })
    expect(step.code).toBe(7)
    expect(step.stdout).toContain('hi\n')
    expect(proxy.accepted()).toBeGreaterThan(0)
  })

  it('stops the step before it reports a failure, so nothing of it runs on', async () => {
    const after = join(dirs.temp, 'after-cut')
    const file = scriptFile(
      'long.sh',
      'echo started\ni=0\nwhile [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\ntouch /__w/_temp/after-cut\n'
    )
    const step = await runHook('run_script_step', script(['-e', file]), state, runner, {
      env: { DOCKER_HOST: proxy.dockerHost, ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '1000' },
      during: async stdout => {
        await printed('started')(stdout)
        await proxy.refuseFor(3000)
      }
    })
    expect(step.code).not.toBe(0)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(
      /^::error::Lost the connection to the Docker engine at unix:\/\/.* for longer than 1 s while the step was running \(.*\); the step's processes were stopped$/
    )
    // Long past the step's own end: it was stopped, not left to finish.
    await new Promise(resolve => setTimeout(resolve, 6000))
    expect(existsSync(after)).toBe(false)
  })

  const lines = (stdout: string, start: string): string[] =>
    stdout.split('\n').filter(line => line.startsWith(start))

  it("reconnects after a cut and exits with the step's own exit code", async () => {
    const file = scriptFile('cut7.sh', `echo started\n${gate('cut7.go')}exit 7\n`)
    const step = await runHook('run_script_step', script(['-e', file]), state, runner, {
      env: { DOCKER_HOST: proxy.dockerHost },
      during: async stdout => {
        await printed('started')(stdout)
        proxy.cut()
        // Once the hook has seen the cut: a step that ends at once is read back from its spool
        // without a reconnect.
        await printed('Lost the connection')(stdout)
        openGate('cut7.go')
      }
    })
    expect(step.code).toBe(7)
    expect(step.errors).toEqual(['::error::The step exited with code 7'])
    expect(lines(step.stdout, 'Lost the connection')).toHaveLength(1)
    expect(lines(step.stdout, 'Reconnected to the Docker engine')).toHaveLength(1)
  })

  it('rides out an engine that refuses connections for a while', async () => {
    const file = scriptFile('refused.sh', `echo started\n${gate('refused.go')}exit 7\n`)
    const step = await runHook('run_script_step', script(['-e', file]), state, runner, {
      env: { DOCKER_HOST: proxy.dockerHost },
      during: async stdout => {
        await printed('started')(stdout)
        await proxy.refuseFor(2000)
        openGate('refused.go')
      }
    })
    expect(step.code).toBe(7)
    expect(lines(step.stdout, 'Lost the connection')).toHaveLength(1)
    expect(lines(step.stdout, 'Reconnected to the Docker engine')).toHaveLength(1)
  })

  it('stops the step on SIGINT during a reconnect, as soon as the engine answers', async () => {
    const after = join(dirs.temp, 'after-cancel')
    const file = scriptFile(
      'cancel.sh',
      'echo started\ni=0\nwhile [ $i -lt 60 ]; do sleep 0.1; i=$((i+1)); done\ntouch /__w/_temp/after-cancel\n'
    )
    const started = Date.now()
    const step = await runHook('run_script_step', script(['-e', file]), state, runner, {
      env: { DOCKER_HOST: proxy.dockerHost },
      during: async stdout => {
        await printed('started')(stdout)
        await proxy.refuseFor(3000)
      },
      cancelWhen: printed('Lost the connection')
    })
    expect(step.code).not.toBe(0)
    expect(Date.now() - step.cancelledAt!).toBeLessThan(7500)
    // Past the step's own end (6 s after it started): it was stopped, not left to finish.
    await new Promise(resolve => setTimeout(resolve, Math.max(0, started + 8000 - Date.now())))
    expect(existsSync(after)).toBe(false)
  })

  it("50 runs cut mid-output: 50 times the step's own exit code 7 and the exact output", async () => {
    const expected = Array.from({ length: 40 }, (_, i) => `line ${i}\n`).join('')
    const body =
      'i=0\nwhile [ $i -lt 40 ]; do echo "line $i"; i=$((i+1)); sleep 0.02; done\nexit 7\n'
    // Ten jobs at a time, five cut runs each: one job container runs one step at a time.
    type CutRun = { code: number | null; output: string; hook: string[] }
    const job = async (): Promise<CutRun[]> => {
      const own = uniqueRunner('cut50')
      const jobDirs = workDir()
      writeFileSync(join(jobDirs.temp, 'cut.sh'), body)
      const cutProxy = await startCuttingProxy()
      const results: CutRun[] = []
      const args = { container: jobContainer(jobDirs.work), services: [] }
      await withJob(args, own, async prepared => {
        for (let run = 0; run < 5; run++) {
          const step = await runHook(
            'run_script_step',
            script(['-e', '/__w/_temp/cut.sh']),
            prepared.response!.state!,
            own,
            cutAfter('line 5\n', cutProxy)
          )
          results.push({
            code: step.code,
            output: lines(step.stdout, 'line ').join('\n') + '\n',
            // Shown by a failed expectation: what the hook said besides the step's lines.
            hook: [...step.stdout.split('\n').filter(l => !l.startsWith('line ')), step.stderr]
          })
        }
      }).finally(() => cutProxy.close())
      return results
    }
    const results = (await Promise.all(Array.from({ length: 10 }, job))).flat()
    expect(results.filter(r => r.code !== 7)).toEqual([])
    // Byte-identical: nothing lost after the cut, nothing repeated.
    expect(results.filter(r => r.output !== expected)).toEqual([])
  })

  it('a cut in the last moments of the step: the real exit code and every byte', async () => {
    const file = scriptFile(
      'cut-late.sh',
      'i=0\nwhile [ $i -lt 20 ]; do echo "late $i"; i=$((i+1)); done\nexit 7\n'
    )
    const expected = Array.from({ length: 20 }, (_, i) => `late ${i}\n`).join('')
    for (let run = 0; run < 5; run++) {
      const step = await runHook(
        'run_script_step',
        script(['-e', file]),
        state,
        runner,
        cutAfter('late 19\n')
      )
      expect(step.code).toBe(7)
      expect(lines(step.stdout, 'late ').join('\n') + '\n').toBe(expected)
    }
  })

  it('tens of MB cut in the middle: every byte once, in order, nothing of the hook in it', async () => {
    const count = 6_000_000
    const expected = Array.from({ length: count }, (_, i) => `${i + 1}\n`).join('')
    const step = await runHook(
      'run_script_step',
      script(['-c', `"seq 1 ${count}; seq 1 1000 >&2; exit 7"`]),
      state,
      runner,
      {
        env: { DOCKER_HOST: proxy.dockerHost },
        during: async stdout => {
          await until(() => Promise.resolve(stdout().length > 20_000_000), 60_000)
          proxy.cut()
        }
      }
    )
    // The break is seen while the step runs (lost, reconnected) or, when it had printed all
    // by then, at its end (read back): either way one or two lines, none inside the output.
    const notes = step.stdout
      .split('\n')
      .filter(line => /^(Lost|Reconnected|The output)/.test(line))
    expect(notes.length).toBeGreaterThanOrEqual(1)
    expect(notes.length).toBeLessThanOrEqual(2)
    expect(step.code).toBe(7)
    const body = step.stdout
      .split('\n')
      .filter(line => !/^(Lost|Reconnected|The output|::)/.test(line))
      .join('\n')
    expect(body.length).toBe(expected.length)
    expect(body === expected).toBe(true)
    expect(step.stderr).toBe(Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join(''))
  })
})
