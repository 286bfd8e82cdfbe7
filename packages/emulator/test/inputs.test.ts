import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runRecorded } from './helpers'

const IMAGE = 'container-hooks-test/busybox:1'

describe('the inputs the runner sends', () => {
  it('sends every command as one line of compact JSON, runner-shaped', async () => {
    const { result, recorded } = await runRecorded(
      {
        container: {
          image: '127.0.0.1:5000/private/busybox:1',
          env: { A: 'a' },
          options: '--cpus 1 --health-cmd "redis-cli ping"',
          ports: ['8080:80', 6379],
          volumes: ['/data:/data:ro'],
          credentials: { username: 'u', password: 'p' }
        },
        services: [
          { image: 'redis:7', ports: ['6379/tcp'] },
          { image: 'container-hooks-test/service:1' }
        ],
        env: { JOB: 'j' },
        steps: [
          { run: 'echo hi', env: { STEP: 's' } },
          {
            uses: `docker://${IMAGE}`,
            with: { args: 'echo "a b"', entrypoint: 'sh', 'my input': 'v' }
          }
        ]
      },
      {
        env: { PASSED_THROUGH: 'yes', https_proxy: 'http://proxy:3128' },
        keepTree: true
      }
    )
    expect(result.result).toBe('success')
    const records = recorded()
    expect(records.map(r => r.input.command)).toEqual([
      'prepare_job',
      'run_script_step',
      'run_container_step',
      'cleanup_job'
    ])
    for (const r of records) {
      expect(r.raw.endsWith('\n')).toBe(true)
      expect(r.raw.slice(0, -1)).not.toContain('\n')
      expect(r.input.responseFile.startsWith(join(result.workDir, '_temp') + '/')).toBe(true)
      expect(r.env.PASSED_THROUGH).toBe('yes')
      expect(r.env.RUNNER_NAME).toMatch(/^emulator-/)
    }
    const work = result.workDir
    expect(records[0].env).toMatchObject({
      GITHUB_WORKSPACE: `${work}/conformance/conformance`,
      RUNNER_WORKSPACE: `${work}/conformance`,
      RUNNER_TEMP: `${work}/_temp`
    })

    const prepare = records[0].input
    expect(prepare.state).toBeNull()
    const args = prepare.args as {
      container: Record<string, unknown>
      services: Array<Record<string, unknown>>
    }
    expect(args.container).toMatchObject({
      image: '127.0.0.1:5000/private/busybox:1',
      dockerfile: null,
      entryPoint: null,
      entryPointArgs: [],
      workingDirectory: '/__w/conformance/conformance',
      createOptions: '--cpus 1 --health-cmd "redis-cli ping"',
      registry: { username: 'u', password: 'p', serverUrl: '127.0.0.1:5000' },
      environmentVariables: {
        A: 'a',
        HOME: '/github/home',
        HTTPS_PROXY: 'http://proxy:3128',
        https_proxy: 'http://proxy:3128'
      },
      portMappings: ['8080:80', '6379'],
      userMountVolumes: [
        {
          userProvidedValue: '/data:/data:ro',
          sourceVolumePath: '/data',
          targetVolumePath: '/data',
          readOnly: true
        }
      ]
    })
    expect(records[0].raw).toContain('"dockerfile":null')
    const mounts = args.container.systemMountVolumes as Array<{
      sourceVolumePath: string
      targetVolumePath: string
      readOnly: boolean
    }>
    const order =
      '/var/run/docker.sock /__w /__e /__w/_temp /__w/_actions /__w/_tool /github/home /github/workflow'
    expect(mounts.map(m => m.targetVolumePath)).toEqual(order.split(' '))
    expect(mounts.filter(m => m.readOnly).map(m => m.targetVolumePath)).toEqual(['/__e'])
    for (const m of mounts.slice(1)) expect(existsSync(m.sourceVolumePath)).toBe(true)
    expect(existsSync(join(mounts[2].sourceVolumePath, 'node24/bin/node'))).toBe(true)
    expect(readFileSync(join(mounts[7].sourceVolumePath, 'event.json'), 'utf8').trim()).toBe('{}')
    expect(args.services.map(s => s.image)).toEqual(['redis:7', 'container-hooks-test/service:1'])
    expect(args.services[0]).toMatchObject({
      registry: null,
      portMappings: ['6379/tcp'],
      environmentVariables: { HTTPS_PROXY: 'http://proxy:3128' },
      createOptions: null,
      workingDirectory: null
    })
    for (const s of args.services) expect(Object.keys(s)).not.toContain('name')

    const script = records[1].input.args as {
      entryPoint: string
      entryPointArgs: string[]
      environmentVariables: Record<string, string>
      workingDirectory: string
      prependPath: string[]
    }
    expect(records[1].input.state).toEqual({ n: 1 })
    expect(script.entryPoint).toBe('sh')
    expect(script.entryPointArgs).toEqual([
      '-e',
      expect.stringMatching(/^\/__w\/_temp\/[0-9a-f-]{36}\.sh$/)
    ])
    expect(readFileSync(script.entryPointArgs[1].replace('/__w', work), 'utf8')).toBe('echo hi')
    expect(script.workingDirectory).toBe('/__w/conformance/conformance')
    expect(script.prependPath).toEqual([])
    const env = script.environmentVariables
    expect(env).toMatchObject({
      JOB: 'j',
      STEP: 's',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: '/__w/conformance/conformance',
      RUNNER_TEMP: '/__w/_temp',
      GITHUB_EVENT_PATH: '/github/workflow/event.json'
    })
    for (const [name, prefix] of [
      ['GITHUB_OUTPUT', 'set_output_'],
      ['GITHUB_ENV', 'set_env_'],
      ['GITHUB_PATH', 'add_path_'],
      ['GITHUB_STATE', 'save_state_'],
      ['GITHUB_STEP_SUMMARY', 'step_summary_']
    ]) {
      expect(env[name]).toMatch(
        new RegExp(`^/__w/_temp/_runner_file_commands/${prefix}[0-9a-f-]{36}$`)
      )
    }

    const step = records[2].input.args as Record<string, unknown> & {
      environmentVariables: Record<string, string>
    }
    expect(step).toMatchObject({
      image: IMAGE,
      dockerfile: null,
      entryPoint: 'sh',
      entryPointArgs: ['echo', '"a', 'b"'],
      workingDirectory: '/github/workspace',
      registry: null,
      createOptions: null,
      portMappings: [],
      userMountVolumes: []
    })
    expect(
      (
        step.systemMountVolumes as Array<{ targetVolumePath: string; sourceVolumePath: string }>
      ).map(m => [m.targetVolumePath, m.sourceVolumePath])
    ).toEqual([
      ['/var/run/docker.sock', '/var/run/docker.sock'],
      ['/github/runner_temp', `${work}/_temp`],
      ['/github/home', `${work}/_temp/_github_home`],
      ['/github/workflow', `${work}/_temp/_github_workflow`],
      ['/github/file_commands', `${work}/_temp/_runner_file_commands`],
      ['/github/workspace', `${work}/conformance/conformance`]
    ])
    expect(step.environmentVariables).toMatchObject({
      JOB: 'j',
      INPUT_MY_INPUT: 'v',
      INPUT_ARGS: 'echo "a b"',
      INPUT_ENTRYPOINT: 'sh',
      HOME: '/github/home',
      GITHUB_WORKSPACE: '/github/workspace',
      RUNNER_TEMP: '/github/runner_temp'
    })
    expect(step.environmentVariables.GITHUB_OUTPUT).toMatch(/^\/github\/file_commands\/set_output_/)
    expect(records[3].input).toMatchObject({ args: {}, state: { n: 1 } })
    expect(records[3].raw).toContain('"args":{}')
  })

  it('runs local actions: a Dockerfile action as run_container_step, a node action as run_script_step', async () => {
    const { result, recorded } = await runRecorded(
      {
        container: { image: IMAGE },
        files: {
          'a/docker/action.yml':
            'inputs: { who: { default: world }, n: {} }\nruns: { using: docker, image: Dockerfile, entrypoint: /e.sh, args: ["${{ inputs.who }}", "two words"], env: { FROM_ACTION: "${{ inputs.who }}" } }\n',
          'a/docker/Dockerfile': 'FROM scratch\n',
          'a/reg/action.yaml': 'runs: { using: docker, image: "docker://redis:7" }\n',
          'a/js/action.yml': 'runs: { using: node24, main: dist/index.js }\n'
        },
        steps: [
          { uses: './a/docker', with: { who: 'Mona' } },
          { uses: './a/reg', with: { args: 'x y' } },
          { uses: './a/js/' }
        ]
      },
      {
        env: {
          HOOK_RESPONSES: JSON.stringify({ prepare_job: '{"isAlpine":true}' })
        }
      }
    )
    expect(result.result).toBe('success')
    const [, dockerStep, regStep, jsStep] = recorded().map(
      r =>
        r.input.args as Record<string, unknown> & { environmentVariables: Record<string, string> }
    )
    expect(dockerStep).toMatchObject({
      image: null,
      dockerfile: `${result.workDir}/conformance/conformance/a/docker/Dockerfile`,
      entryPoint: '/e.sh',
      entryPointArgs: ['', '"Mona"', '"two', 'words"']
    })
    expect(dockerStep.environmentVariables).toMatchObject({
      INPUT_WHO: 'Mona',
      FROM_ACTION: 'Mona'
    })
    expect(regStep).toMatchObject({
      image: 'redis:7',
      dockerfile: null,
      entryPoint: null,
      entryPointArgs: ['x', 'y']
    })
    expect(jsStep).toMatchObject({
      entryPoint: '/__e/node24_alpine/bin/node',
      entryPointArgs: ['/__w/conformance/conformance/a/js/dist/index.js']
    })
  })
})
