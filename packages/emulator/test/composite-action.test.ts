import { runRecorded } from './helpers'

const IMAGE = 'container-hooks-test/busybox:1'

// Copied into place by a step (a step's own script would expand the ${{ }} in it).
const ACTION = [
  'inputs: { who: { default: nobody } }',
  'outputs:',
  '  greeting: { value: "${{ steps.greet.outputs.greeting }}" }',
  '  missing: { value: "${{ steps.none.outputs.x }}" }',
  'runs:',
  '  using: composite',
  '  steps:',
  '    - id: greet',
  '      shell: sh',
  '      run: |',
  '        echo "hello ${{ inputs.who }} input-env=${INPUT_WHO:-unset}"',
  '        echo "greeting=hi ${{ inputs.who }}" >> "$GITHUB_OUTPUT"',
  '        echo "FROM_FIRST=1" >> "$GITHUB_ENV"',
  '    - shell: bash',
  '      env: { STEP_VAR: "${{ steps.greet.outputs.greeting }}" }',
  '      run: echo "second sees first=$FROM_FIRST step-var=$STEP_VAR"'
].join('\n')

type ScriptArgs = {
  entryPoint: string
  entryPointArgs: string[]
  environmentVariables: Record<string, string>
}

describe('local composite actions', () => {
  it('runs each run step as one run_script_step, read on the host after a step created it', async () => {
    const { result, log, recorded } = await runRecorded(
      {
        container: { image: IMAGE },
        files: { 'action.template': ACTION },
        steps: [
          {
            run: 'mkdir -p .github/actions/x && cp action.template .github/actions/x/action.yml'
          },
          { id: 'x', uses: './.github/actions/x', with: { who: 'Mona' } },
          { run: 'echo "after=$FROM_FIRST out=${{ steps.x.outputs.greeting }}"' }
        ]
      },
      { env: { HOOK_RUN_SCRIPTS: '1' } }
    )
    expect(result.result).toBe('success')
    const steps = recorded()
      .filter(r => r.input.command === 'run_script_step')
      .map(r => r.input.args as ScriptArgs)
    expect(steps).toHaveLength(4)
    expect(steps[1].entryPoint).toBe('sh')
    expect(steps[1].entryPointArgs).toEqual(['-e', expect.stringMatching(/^\/__w\/_temp\/.+\.sh$/)])
    expect(steps[2].entryPoint).toBe('bash')
    // Each step has its own command files.
    expect(steps[1].environmentVariables.GITHUB_OUTPUT).not.toBe(
      steps[2].environmentVariables.GITHUB_OUTPUT
    )
    expect(log).toContain('hello Mona input-env=unset')
    expect(log).toContain('second sees first=1 step-var=hi Mona')
    expect(result.steps[1]).toMatchObject({
      result: 'success',
      outputs: { greeting: 'hi Mona', missing: '' }
    })
    expect(log).toContain('after=1 out=hi Mona')
  })

  it('stops at the first failing step with its exit code; later steps are skipped', async () => {
    const { result, recorded } = await runRecorded(
      {
        container: { image: IMAGE },
        files: {
          'fail/action.yml': [
            'runs:',
            '  using: composite',
            '  steps:',
            '    - { shell: sh, run: "echo first" }',
            '    - { shell: sh, run: "exit 4" }',
            '    - { shell: sh, run: "echo never" }'
          ].join('\n')
        },
        steps: [{ uses: './fail', expect: { result: 'failure' } }, { run: 'echo skipped' }]
      },
      { env: { HOOK_RUN_SCRIPTS: '1' } }
    )
    expect(result.steps.map(s => s.result)).toEqual(['failure', 'skipped'])
    expect(result.steps[0].exitCode).toBe(4)
    expect(result.steps[0].lines).toContain('first')
    expect(recorded().filter(r => r.input.command === 'run_script_step')).toHaveLength(2)
  })

  it('runs the steps on the host without a job container', async () => {
    const { result, log, recorded } = await runRecorded(
      {
        files: {
          'host/action.yml':
            'runs: { using: composite, steps: [{ shell: sh, run: "echo on-host in $PWD" }] }\n'
        },
        steps: [{ uses: './host' }]
      },
      {}
    )
    expect(result.result).toBe('success')
    expect(recorded()).toEqual([])
    expect(log).toContain(`on-host in ${result.workDir}/conformance/conformance`)
  })

  it.each([
    ['a step without shell', '[{ run: "true" }]', /shell/],
    ['a uses step', '[{ uses: ./other }]', /run/]
  ])('refuses %s with a clear line', async (_what, steps, message) => {
    const { result } = await runRecorded(
      {
        files: { 'a/action.yml': `runs: { using: composite, steps: ${steps} }\n` },
        steps: [{ uses: './a', expect: { result: 'failure' } }]
      },
      {}
    )
    expect(result.steps[0].errors[0]).toMatch(/unsupported action.yml/)
    expect(result.steps[0].errors[0]).toMatch(message)
  })
})
