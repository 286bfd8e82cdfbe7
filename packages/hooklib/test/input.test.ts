import { Readable } from 'node:stream'
import {
  hookContainer,
  hookContainerSchema,
  InputError,
  parseInput,
  prepareJobArgsSchema,
  readInput,
  scriptStepArgsSchema,
  type HookContainer,
  type PrepareJobArgs,
  type ScriptStepArgs
} from '@container-hooks/hooklib'
import * as payloads from './fixtures/payloads'

const RF = '/home/runner/_work/_temp/_runner_hook_responses/response.json'

function errorOf(text: string): string {
  try {
    parseInput(text)
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return (err as Error).message
  }
  throw new Error('parseInput accepted the input')
}

function withArgs(base: { args: object }, args: object): string {
  return JSON.stringify(payloads.withArgs(base, args))
}

describe('parseInput: runner payloads', () => {
  it('parses prepare_job, strips unknown fields and turns nulls into empty lists', () => {
    const input = parseInput(payloads.line(payloads.prepareJob(RF)))
    expect(input.command).toBe('prepare_job')
    expect(input.state).toBeNull()
    expect(input.responseFile).toBe(RF)
    expect(input).not.toHaveProperty('futureField')
    if (input.command !== 'prepare_job') throw new Error('narrowing')
    const { container, services } = input.args
    expect(container).not.toHaveProperty('futureField')
    expect(container?.systemMountVolumes.map(m => m.targetVolumePath)).toEqual([
      '/var/run/docker.sock',
      '/__w',
      '/__e',
      '/__w/_temp',
      '/__w/_actions',
      '/__w/_tool',
      '/github/home',
      '/github/workflow'
    ])
    expect(container?.registry).toEqual({
      username: 'octocat',
      password: 's3cr3t-registry-token',
      serverUrl: 'ghcr.io'
    })
    expect(services[0]).toMatchObject({
      image: 'redis:7',
      entryPointArgs: [],
      environmentVariables: {},
      systemMountVolumes: [],
      userMountVolumes: [],
      portMappings: ['6379/tcp']
    })
  })

  it('accepts a service-only job (container null) and missing optional fields', () => {
    const input = parseInput(payloads.line(payloads.serviceOnlyPrepareJob(RF)))
    expect(input.args).toMatchObject({ container: null, services: [{ image: 'redis:7' }] })
    const minimal = parseInput(
      JSON.stringify({
        command: 'prepare_job',
        responseFile: RF,
        args: { container: { image: 'alpine' } }
      })
    )
    expect(minimal.state).toBeNull()
    expect(minimal.args).toEqual({
      container: hookContainer('alpine'),
      services: []
    })
  })

  it('parses run_script_step with state and keeps env key case', () => {
    const input = parseInput(payloads.line(payloads.runScriptStep(RF)))
    expect(input.command).toBe('run_script_step')
    expect(input.state).toEqual(payloads.savedState)
    expect(input.args).not.toHaveProperty('futureField')
    expect(input.args).toMatchObject({
      entryPoint: 'bash',
      prependPath: ['/__w/_tool/node/20.19.0/x64/bin'],
      environmentVariables: { lower_case_Name: 'kept as is' }
    })
  })

  it('defaults a null readOnly to false and a null registry serverUrl (Docker Hub) to ""', () => {
    const job = payloads.prepareJob(RF)
    const container = {
      image: 'docker.io/library/node:20',
      registry: { username: 'octocat', password: 'pw', serverUrl: null },
      userMountVolumes: [{ sourceVolumePath: 'cache', targetVolumePath: '/cache', readOnly: null }]
    }
    const input = parseInput(JSON.stringify(payloads.withArgs(job, { container })))
    expect(input.args).toMatchObject({
      container: {
        registry: { username: 'octocat', password: 'pw', serverUrl: '' },
        userMountVolumes: [
          {
            userProvidedValue: null,
            sourceVolumePath: 'cache',
            targetVolumePath: '/cache',
            readOnly: false
          }
        ]
      }
    })
  })

  it('treats null prependPath and null env values as empty', () => {
    const js = payloads.runJavaScriptActionStep(RF)
    const input = parseInput(withArgs(js, { environmentVariables: { EMPTY: null } }))
    expect(input.args).toMatchObject({ prependPath: [], environmentVariables: { EMPTY: '' } })
  })

  it('parses run_container_step with an image or a Dockerfile and null state', () => {
    const image = parseInput(payloads.line(payloads.runContainerStep(RF)))
    expect(image.state).toBeNull()
    expect(image.args).toMatchObject({ image: 'alpine:3.20', dockerfile: null, registry: null })
    const dockerfile = parseInput(payloads.line(payloads.runDockerfileStep(RF)))
    expect(dockerfile.args).toMatchObject({
      image: null,
      dockerfile: '/home/runner/_work/_actions/octo/hello-action/v1/Dockerfile',
      entryPoint: null
    })
  })

  it('parses cleanup_job with empty args, and missing args as empty', () => {
    const input = parseInput(payloads.line(payloads.cleanupJob(RF)))
    expect(input).toEqual({
      command: 'cleanup_job',
      responseFile: RF,
      args: {},
      state: payloads.savedState
    })
    const noArgs = parseInput(JSON.stringify({ command: 'cleanup_job', responseFile: RF }))
    expect(noArgs.args).toEqual({})
  })
})

describe('parseInput: one clear error line', () => {
  it('rejects empty stdin', () => {
    expect(errorOf('')).toBe(
      'Invalid hook input: stdin was empty; the runner sends one line of JSON'
    )
    expect(errorOf(' \n')).toContain('stdin was empty')
  })

  it('names the JSON parse problem', () => {
    expect(errorOf('{"command":')).toMatch(/^Invalid hook input: stdin is not JSON \(.+\)$/)
  })

  it('never quotes stdin (it holds secrets) in a JSON parse error', () => {
    const message = errorOf('Tsecret-token-value{"command":"prepare_job"}')
    expect(message).toBe("Invalid hook input: stdin is not JSON (Unexpected token 'T')")
  })

  it('lists the four commands for an unknown one', () => {
    expect(errorOf(JSON.stringify({ command: 'prepare', responseFile: RF, args: {} }))).toBe(
      'Invalid hook input: command: expected one of "prepare_job", "cleanup_job", "run_script_step", "run_container_step", got "prepare"'
    )
  })

  it('names the field path and formats the offending value', () => {
    const job = payloads.prepareJob(RF)
    const badPort = {
      ...job,
      args: {
        ...job.args,
        services: [job.args.services[0], { ...job.args.services[1], portMappings: [80] }]
      }
    }
    expect(errorOf(JSON.stringify(badPort))).toBe(
      'Invalid hook input: args.services[1].portMappings[0]: expected a string, got 80'
    )
    const script = payloads.runScriptStep(RF)
    expect(errorOf(withArgs(script, { entryPointArgs: 'bash -e' }))).toBe(
      'Invalid hook input: args.entryPointArgs: expected an array, got "bash -e"'
    )
    expect(errorOf(withArgs(script, { environmentVariables: [] }))).toBe(
      'Invalid hook input: args.environmentVariables: expected an object, got an array'
    )
    expect(errorOf(withArgs(script, { environmentVariables: { 'MY-VAR': 1 } }))).toBe(
      'Invalid hook input: args.environmentVariables["MY-VAR"]: expected a string, got 1'
    )
    expect(errorOf(withArgs(script, { workingDirectory: '' }))).toBe(
      'Invalid hook input: args.workingDirectory: expected a non-empty string, got ""'
    )
    expect(errorOf(withArgs(script, { entryPoint: undefined }))).toBe(
      'Invalid hook input: args.entryPoint: expected a string, got missing'
    )
  })

  it('never shows the text of env values, registry credentials or state', () => {
    const script = payloads.runScriptStep(RF)
    expect(errorOf(withArgs(script, { environmentVariables: 'TOKEN=abc' }))).toBe(
      'Invalid hook input: args.environmentVariables: expected an object, got a string'
    )
    const job = payloads.prepareJob(RF)
    const registry = { username: 'u', password: 'p4ssw0rd', serverUrl: 1 }
    expect(
      errorOf(JSON.stringify(payloads.withArgs(job, { container: { image: 'a', registry } })))
    ).toBe('Invalid hook input: args.container.registry.serverUrl: expected a string, got 1')
    expect(errorOf(JSON.stringify({ ...payloads.cleanupJob(RF), state: 'secret' }))).toBe(
      'Invalid hook input: state: expected an object, got a string'
    )
  })

  it('formats objects, booleans, nulls and long strings', () => {
    const step = payloads.runContainerStep(RF)
    expect(
      errorOf(
        withArgs(step, {
          systemMountVolumes: [{ sourceVolumePath: {}, targetVolumePath: '/x', readOnly: false }]
        })
      )
    ).toBe(
      'Invalid hook input: args.systemMountVolumes[0].sourceVolumePath: expected a string, got an object'
    )
    expect(errorOf(withArgs(step, { image: true }))).toBe(
      'Invalid hook input: args.image: expected a string, got true'
    )
    expect(errorOf(JSON.stringify({ ...step, responseFile: null }))).toBe(
      'Invalid hook input: responseFile: expected a string, got null'
    )
    const long = 'x'.repeat(100)
    expect(errorOf(withArgs(step, { portMappings: long }))).toBe(
      `Invalid hook input: args.portMappings: expected an array, got "${'x'.repeat(60)}…"`
    )
  })

  it('requires an image or a Dockerfile for a container step', () => {
    expect(errorOf(withArgs(payloads.runContainerStep(RF), { image: null }))).toBe(
      'Invalid hook input: args.image: expected an image or a dockerfile, got neither'
    )
  })

  it('requires an image for job and service containers', () => {
    const job = payloads.prepareJob(RF)
    expect(
      errorOf(
        JSON.stringify({
          ...job,
          args: { ...job.args, container: { ...job.args.container, image: null } }
        })
      )
    ).toBe('Invalid hook input: args.container.image: expected a string, got null')
  })

  it('reports the first problem and how many more', () => {
    expect(
      errorOf(
        withArgs(payloads.runScriptStep(RF), { entryPoint: 1, workingDirectory: 2, prependPath: 3 })
      )
    ).toBe('Invalid hook input: args.entryPoint: expected a string, got 1 (and 2 more)')
  })

  it('rejects a non-object payload and a state that is not an object', () => {
    expect(errorOf('[1]')).toBe('Invalid hook input: stdin: expected an object, got an array')
    expect(errorOf(JSON.stringify({ ...payloads.cleanupJob(RF), state: [] }))).toBe(
      'Invalid hook input: state: expected an object, got an array'
    )
  })
})

describe('parseInput: what the backends cannot take is refused up front', () => {
  const MB = 'x'.repeat(1024 * 1024)

  it('refuses an image that is not a reference, naming the field and the value', () => {
    const job = payloads.prepareJob(RF)
    const bad = { ...job.args.services[1], image: 'Postgres 16' }
    expect(errorOf(withArgs(job, { services: [job.args.services[0], bad] }))).toBe(
      'Invalid hook input: args.services[1].image: "Postgres 16": not an image reference (expected [HOST[:PORT]/]NAME[:TAG][@DIGEST], NAME in lowercase)'
    )
    expect(errorOf(withArgs(payloads.runContainerStep(RF), { image: MB }))).toBe(
      `Invalid hook input: args.image: "${'x'.repeat(60)}…": longer than 1024 bytes`
    )
  })

  it('refuses a 1 MB entrypoint, argument, env value, working directory or options string', () => {
    const step = payloads.runScriptStep(RF)
    expect(errorOf(withArgs(step, { entryPoint: MB }))).toBe(
      'Invalid hook input: args.entryPoint: at most 4096 bytes (PATH_MAX)'
    )
    expect(errorOf(withArgs(step, { entryPointArgs: ['-c', MB] }))).toBe(
      "Invalid hook input: args.entryPointArgs[1]: at most 131071 bytes (the kernel's limit for one argument)"
    )
    expect(errorOf(withArgs(step, { environmentVariables: { BIG: MB } }))).toBe(
      "Invalid hook input: args.environmentVariables.BIG: at most 131071 bytes (the kernel's limit for one argument)"
    )
    expect(errorOf(withArgs(step, { workingDirectory: MB }))).toContain(
      'args.workingDirectory: at most 4096 bytes'
    )
    expect(errorOf(withArgs(payloads.runContainerStep(RF), { createOptions: MB }))).toContain(
      'args.createOptions: at most 65536 bytes'
    )
  })

  it('refuses arguments and env that together exceed 1 MiB, and an env name with "="', () => {
    const step = payloads.runScriptStep(RF)
    const env = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`V${i}`, 'v'.repeat(120_000)])
    )
    expect(errorOf(withArgs(step, { environmentVariables: env }))).toBe(
      'Invalid hook input: args.environmentVariables: entryPointArgs and environmentVariables together exceed 1048576 bytes'
    )
    expect(errorOf(withArgs(step, { environmentVariables: { 'A=B': 'c' } }))).toContain(
      'an environment variable name is non-empty and has no "="'
    )
  })

  it('refuses a state on prepare_job: the runner sends none', () => {
    const job = { ...payloads.prepareJob(RF), state: { nested: { deeper: {} } } }
    expect(errorOf(JSON.stringify(job))).toBe(
      'Invalid hook input: state: prepare_job gets no state from the runner, got an object'
    )
    expect(parseInput(JSON.stringify({ ...job, state: {} })).command).toBe('prepare_job')
  })

  it('refuses stdin that is not UTF-8', async () => {
    const text = Buffer.from(payloads.line(payloads.cleanupJob(RF)))
    const broken = Buffer.concat([text.subarray(0, 20), Buffer.from([0xff]), text.subarray(20)])
    await expect(readInput(Readable.from([broken]))).rejects.toThrow(
      'Invalid hook input: stdin is not valid UTF-8; the runner sends one line of JSON'
    )
  })
})

describe('schemas', () => {
  it('produce the protocol types (checked by tsc) with empty defaults', () => {
    const container: HookContainer = hookContainerSchema.parse({ image: 'alpine' })
    const prepare: PrepareJobArgs = prepareJobArgsSchema.parse({})
    const script: ScriptStepArgs = scriptStepArgsSchema.parse({
      entryPoint: 'sh',
      workingDirectory: '/'
    })
    expect(container).toEqual(hookContainer('alpine'))
    expect(prepare).toEqual({ container: null, services: [] })
    expect(script).toEqual({
      entryPoint: 'sh',
      entryPointArgs: [],
      environmentVariables: {},
      prependPath: [],
      workingDirectory: '/'
    })
  })
})

describe('readInput', () => {
  it('reads one line split over several chunks', async () => {
    const text = payloads.line(payloads.cleanupJob(RF))
    const stream = Readable.from([text.slice(0, 10), Buffer.from(text.slice(10))])
    await expect(readInput(stream)).resolves.toMatchObject({ command: 'cleanup_job' })
  })

  it('rejects a closed, empty stdin', async () => {
    await expect(readInput(Readable.from([]))).rejects.toThrow('stdin was empty')
  })
})
