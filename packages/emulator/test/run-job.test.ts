import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { recorderHook, run, runRecorded, tempDir } from './helpers'

const IMAGE = 'container-hooks-test/busybox:1'

describe('runJob with a recording hook', () => {
  it('carries state: prepare, replaced by a step response, kept when a step writes none', async () => {
    const { result, recorded } = await runRecorded(
      { container: { image: IMAGE }, steps: [{ run: 'a' }, { run: 'b' }] },
      {
        env: {
          HOOK_RESPONSES: JSON.stringify({ run_script_step: '{"State":{"n":2}}' })
        }
      }
    )
    expect(result.result).toBe('success')
    expect(recorded().map(r => r.input.state)).toEqual([null, { n: 1 }, { n: 2 }, { n: 2 }])
    expect(existsSync(result.workDir)).toBe(false)
  })

  it('runs no prepare_job or cleanup_job without container or services: container steps get state null, run steps run on the host', async () => {
    const { result, log, recorded } = await runRecorded(
      {
        steps: [
          { uses: `docker://${IMAGE}`, args: 'true' },
          { run: 'echo "host $GITHUB_WORKSPACE"; echo x=1 >> "$GITHUB_OUTPUT"', id: 'h' }
        ]
      },
      {}
    )
    expect(result.result).toBe('success')
    expect(result.prepare).toBeNull()
    expect(result.cleanup).toBeNull()
    expect(recorded().map(r => [r.input.command, r.input.state])).toEqual([
      ['run_container_step', null]
    ])
    expect(log).toContain(`host ${result.workDir}/conformance/conformance`)
    expect(result.steps[1]).toMatchObject({ command: null, result: 'success', outputs: { x: '1' } })
  })

  it('runs prepare_job for a service-only job and run steps on the host', async () => {
    const { result, recorded } = await runRecorded(
      { services: [{ image: 'container-hooks-test/service:1' }], steps: [{ run: 'exit 0' }] },
      {
        env: {
          HOOK_RESPONSES: JSON.stringify({
            prepare_job: '{"context":{"services":[{"ports":{"8080":"32768"}}]}}'
          })
        }
      }
    )
    expect(result.result).toBe('success')
    expect(recorded().map(r => r.input.command)).toEqual(['prepare_job', 'cleanup_job'])
    expect(recorded()[0].input.args).toMatchObject({ container: null })
  })

  it.each([
    ['an empty response', '', /Response file could not be read/],
    ['invalid JSON', '{"isAlpine":', /not one JSON document/],
    ['two JSON documents', '{"isAlpine":false}\n{"isAlpine":false}', /not one JSON document/],
    [
      'more services than the job has',
      '{"isAlpine":false,"context":{"services":[{"ports":{}},{"ports":{}}]}}',
      /2 entries but the job has 1/
    ],
    [
      'a service without ports',
      '{"isAlpine":false,"context":{"services":[{"id":"x"}]}}',
      /has no ports/
    ],
    ['no isAlpine with a job container', '{"context":{"services":[{"ports":{}}]}}', /no isAlpine/]
  ])(
    'fails prepare_job on %s, skips the steps and still cleans up',
    async (_what, response, error) => {
      const { result, log, recorded } = await runRecorded(
        {
          container: { image: IMAGE },
          services: [{ image: 'redis' }],
          steps: [{ run: 'echo never' }]
        },
        {
          env: {
            HOOK_RESPONSES: JSON.stringify({ prepare_job: response })
          }
        }
      )
      expect(result.result).toBe('failure')
      expect(result.prepare?.result).toBe('failure')
      expect(result.errors.join('\n')).toMatch(error)
      expect(log).toMatch(error)
      expect(result.steps.map(s => s.result)).toEqual(['skipped'])
      expect(recorded().map(r => r.input.command)).toEqual(['prepare_job', 'cleanup_job'])
      expect(recorded()[1].input.state).toBeNull()
    }
  )

  it('fails a step with an invalid response, reports the hook error and exit code, masks secrets', async () => {
    const { result, log } = await runRecorded(
      {
        container: { image: IMAGE },
        services: [{ image: 'redis', credentials: { username: 'u', password: 'hunter22' } }],
        steps: [{ run: 'a' }, { run: 'b' }, { run: 'c', if: 'always()' }]
      },
      {
        env: {
          HOOK_PRINT: JSON.stringify(['::add-mask::t0ps3cret', 'token t0ps3cret', 'pw hunter22']),
          HOOK_RESPONSES: JSON.stringify({ run_script_step: '{"state":1}' })
        }
      }
    )
    expect(result.steps.map(s => s.result)).toEqual(['failure', 'skipped', 'failure'])
    expect(result.steps[0].errors).toEqual(['Response state must be a JSON object, got 1'])
    expect(log).toContain('token ***')
    expect(log).not.toContain('t0ps3cret')
    expect(log).toContain('pw ***')
    expect(log).not.toContain('hunter22')
  })

  it('reports a failing hook like the runner: its ::error:: line, the generic line, its exit code', async () => {
    const { result, log } = await runRecorded(
      { container: { image: IMAGE }, steps: [{ run: 'a' }] },
      {
        env: {
          HOOK_PRINT: JSON.stringify(['::error::the real reason']),
          HOOK_EXIT: JSON.stringify({ run_script_step: 7, cleanup_job: 1 })
        }
      }
    )
    expect(result.steps[0]).toMatchObject({ result: 'failure', exitCode: 7 })
    expect(result.steps[0].errors[0]).toBe('the real reason')
    expect(log).toContain('Executing the custom container implementation failed')
    expect(log).toContain('Process completed with exit code 7.')
    expect(result.cleanup?.result).toBe('failure')
    expect(result.result).toBe('failure')
  })

  it('applies GITHUB_OUTPUT, GITHUB_ENV and GITHUB_PATH read on the host to later steps (latest path first)', async () => {
    const { result, recorded } = await runRecorded(
      {
        container: { image: IMAGE },
        env: { OVERRIDE: 'job' },
        steps: [
          {
            id: 'one',
            run: 'echo "a=1" >> "$GITHUB_OUTPUT"; printf "m<<X\\nl1\\nl2\\nX\\n" >> "$GITHUB_OUTPUT"; echo OVERRIDE=file >> "$GITHUB_ENV"; echo /p1 >> "$GITHUB_PATH"'
          },
          {
            id: 'two',
            run: 'echo /p2 >> "$GITHUB_PATH"; echo "seen=${{ steps.one.outputs.a }}-$OVERRIDE" >> "$GITHUB_OUTPUT"'
          },
          { run: 'echo /p1 >> "$GITHUB_PATH"', env: { OVERRIDE: 'step' } },
          { run: 'true' },
          { run: 'echo "bad line" >> "$GITHUB_ENV"' }
        ]
      },
      { env: { HOOK_RUN_SCRIPTS: '1' } }
    )
    expect(result.steps[0].outputs).toEqual({ a: '1', m: 'l1\nl2' })
    expect(result.steps[1].outputs).toEqual({ seen: '1-file' })
    const steps = recorded()
      .filter(r => r.input.command === 'run_script_step')
      .map(
        r => r.input.args as { prependPath: string[]; environmentVariables: Record<string, string> }
      )
    expect(steps.map(s => s.prependPath)).toEqual([
      [],
      ['/p1'],
      ['/p2', '/p1'],
      ['/p1', '/p2'],
      ['/p1', '/p2']
    ])
    expect(steps[2].environmentVariables.OVERRIDE).toBe('step')
    expect(steps[3].environmentVariables.OVERRIDE).toBe('file')
    expect(result.steps[4]).toMatchObject({
      result: 'failure',
      errors: ['GITHUB_ENV: invalid line "bad line" (expected name=value or name<<DELIMITER)']
    })
  })

  it('fails a step with a clear line when its local action cannot be used', async () => {
    const { result } = await runRecorded(
      {
        files: { 'bad/action.yml': 'runs: { using: composite, steps: [] }\n' },
        steps: [
          { uses: './missing' },
          { uses: './bad', if: 'always()' },
          { run: 'echo ${{ github.sha }}', if: 'always()' }
        ]
      },
      {}
    )
    expect(result.steps.map(s => s.result)).toEqual(['failure', 'failure', 'failure'])
    expect(result.steps[0].errors[0]).toMatch(/uses: \.\/missing: no action.yml/)
    expect(result.steps[1].errors[0]).toMatch(/unsupported action.yml/)
    expect(result.steps[2].errors[0]).toMatch(/Unsupported expression/)
  })

  it('runs a JavaScript action on the host with the externals node when there is no job container', async () => {
    const { result, log } = await runRecorded(
      {
        files: {
          'js/action.yml':
            'inputs: { q: { default: life } }\nruns: { using: node20, main: main.js }\n',
          'js/main.js':
            'require("fs").appendFileSync(process.env.GITHUB_OUTPUT, "answer=42\\n"); console.log("q=" + process.env.INPUT_Q)\n'
        },
        steps: [{ id: 'js', uses: './js' }]
      },
      {}
    )
    expect(result.steps[0]).toMatchObject({ result: 'success', outputs: { answer: '42' } })
    expect(log).toContain('q=life')
  })

  it('uses a given _work directory, cleans its _temp and keeps it afterwards', async () => {
    const work = join(tempDir(), 'given-work')
    mkdirSync(join(work, '_temp', 'stale'), { recursive: true })
    const { result } = await runRecorded(
      { container: { image: IMAGE }, steps: [{ run: 'a' }] },
      { workDir: work }
    )
    expect(result.workDir).toBe(work)
    expect(existsSync(join(work, '_temp', 'stale'))).toBe(false)
    expect(existsSync(join(work, 'conformance', 'conformance'))).toBe(true)
  })

  it('refuses a missing hook file and workspace files outside the workspace', async () => {
    await expect(
      run({ steps: [{ run: 'true' }] }, { hook: '/nonexistent/hook.js' })
    ).rejects.toThrow(/Hook file not found: \/nonexistent\/hook.js/)
    const rec = recorderHook(tempDir())
    await expect(
      run({ files: { '../escape': 'x' }, steps: [{ run: 'true' }] }, { hook: rec.hook })
    ).rejects.toThrow(/files: "..\/escape" is outside the workspace/)
  })
})
