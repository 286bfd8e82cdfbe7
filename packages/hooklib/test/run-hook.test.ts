import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { buildSync } from 'esbuild'
import {
  CancelledError,
  InputError,
  runHook,
  StepFailedError,
  type HookContext,
  type HookHandlers
} from '@container-hooks/hooklib'
import * as payloads from './fixtures/payloads'
import { makeResponseFile } from './fixtures/response-file'

let dir: string
let responseFile: string

beforeEach(() => ({ dir, responseFile } = makeResponseFile('hooklib-run-hook-')))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const prepared = {
  state: { network: 'n1' },
  context: { services: [{ ports: {} }, { ports: {} }] },
  isAlpine: true
}

function handlers(overrides: Partial<HookHandlers> = {}): HookHandlers {
  return {
    prepareJob: () => Promise.resolve(prepared),
    cleanupJob: () => Promise.resolve(),
    runScriptStep: () => Promise.resolve(),
    runContainerStep: () => Promise.resolve(),
    ...overrides
  }
}

async function run(
  h: HookHandlers,
  payload: object | string,
  env: NodeJS.ProcessEnv = {},
  signals = false
) {
  const lines: string[] = []
  const stdin = Readable.from([typeof payload === 'string' ? payload : payloads.line(payload)])
  const code = await runHook(h, { stdin, env, write: t => lines.push(t), exit: false, signals })
  return { code, lines, response: readFileSync(responseFile, 'utf8') }
}

describe('runHook in process', () => {
  it('dispatches prepare_job with the parsed args and context and writes the response', async () => {
    let seen: { args: unknown; ctx: HookContext } | undefined
    const env = { GITHUB_WORKSPACE: '/home/runner/_work/repo/repo' }
    const result = await run(
      handlers({
        prepareJob: (args, ctx) => {
          seen = { args, ctx }
          return Promise.resolve(prepared)
        }
      }),
      payloads.prepareJob(responseFile),
      env
    )
    expect(result).toEqual({ code: 0, lines: [], response: JSON.stringify(prepared) })
    expect(seen?.args).toMatchObject({
      container: { image: 'node:20-bookworm' },
      services: [{}, {}]
    })
    expect(seen?.ctx).toMatchObject({ command: 'prepare_job', state: null, responseFile, env })
    expect(seen?.ctx.signal.aborted).toBe(false)
  })

  it("says the hook's version as the first debug line, with step debug on", async () => {
    const version = 'my-hook 1.2.3 (abc123)'
    const say = async (env: NodeJS.ProcessEnv): Promise<string[]> => {
      const lines: string[] = []
      const stdin = Readable.from([payloads.line(payloads.prepareJob(responseFile))])
      const h = handlers({
        prepareJob: (_args, ctx) => (ctx.log.debug('handler'), Promise.resolve(prepared))
      })
      await runHook(h, {
        stdin,
        env,
        version,
        write: t => lines.push(t),
        exit: false,
        signals: false
      })
      return lines
    }
    expect(await say({ RUNNER_DEBUG: '1' })).toEqual([
      `::debug::${version}\n`,
      '::debug::handler\n'
    ])
    expect(await say({})).toEqual([])
  })

  it('fails prepare_job when the handler returns no response', async () => {
    const result = await run(
      handlers({ prepareJob: () => Promise.resolve(undefined as never) }),
      payloads.prepareJob(responseFile)
    )
    expect(result).toEqual({
      code: 1,
      lines: [
        '::error::The prepareJob handler returned no response; prepare_job must always write one\n'
      ],
      response: ''
    })
  })

  it('writes nothing when a step handler returns void, and the state when it returns one', async () => {
    const quiet = await run(handlers(), payloads.runScriptStep(responseFile))
    expect(quiet).toEqual({ code: 0, lines: [], response: '' })
    const stateful = await run(
      handlers({ runContainerStep: () => Promise.resolve({ state: { step: 1 } }) }),
      payloads.runContainerStep(responseFile)
    )
    expect(stateful).toEqual({ code: 0, lines: [], response: '{"state":{"step":1}}' })
    const script = await run(
      handlers({
        runScriptStep: (_a, ctx) => Promise.resolve({ state: { ...ctx.state, seen: true } })
      }),
      payloads.runScriptStep(responseFile)
    )
    expect(JSON.parse(script.response)).toEqual({ state: { ...payloads.savedState, seen: true } })
  })

  it('runs container steps without state (no prepare_job) and cleanup with the saved state', async () => {
    const calls: unknown[] = []
    const h = handlers({
      runContainerStep: (args, ctx) => {
        calls.push([args.image, ctx.state])
        return Promise.resolve()
      },
      cleanupJob: (args, ctx) => {
        calls.push([args, ctx.state])
        return Promise.resolve()
      }
    })
    expect((await run(h, payloads.runContainerStep(responseFile))).code).toBe(0)
    expect((await run(h, payloads.cleanupJob(responseFile))).code).toBe(0)
    expect(calls).toEqual([
      ['alpine:3.20', null],
      [{}, payloads.savedState]
    ])
  })

  it("exits with the user's own code on a failed step", async () => {
    const result = await run(
      handlers({ runScriptStep: () => Promise.reject(new StepFailedError(3)) }),
      payloads.runScriptStep(responseFile)
    )
    expect(result).toEqual({
      code: 3,
      lines: ['::error::The step exited with code 3\n'],
      response: ''
    })
  })

  it('prints one line for bad input and never calls a handler', async () => {
    const h = handlers({ cleanupJob: () => Promise.reject(new Error('must not run')) })
    const result = await run(h, '{"command":"cleanup","responseFile":"x","args":{},"state":null}\n')
    expect(result.code).toBe(1)
    expect(result.lines).toEqual([
      '::error::Invalid hook input: command: expected one of "prepare_job", "cleanup_job", "run_script_step", "run_container_step", got "cleanup"\n'
    ])
  })

  it('reports an invalid response as one error line', async () => {
    const result = await run(
      handlers({ prepareJob: () => Promise.resolve({ context: { services: [{ ports: {} }] } }) }),
      payloads.prepareJob(responseFile)
    )
    expect(result.code).toBe(1)
    expect(result.lines).toEqual([
      '::error::Invalid prepare_job response: isAlpine is required when the job has a container (it picks the node build for JavaScript actions)\n'
    ])
  })

  it('wraps unexpected errors and non-errors, without a stack', async () => {
    const crash = await run(
      handlers({ runScriptStep: () => Promise.reject(new TypeError('x is undefined')) }),
      payloads.runScriptStep(responseFile)
    )
    expect(crash).toEqual({
      code: 1,
      lines: ['::error::Unexpected error in the container hook: x is undefined\n'],
      response: ''
    })
    const thrown = await run(
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- JS code does this
      handlers({ runScriptStep: () => Promise.reject('a string') }),
      payloads.runScriptStep(responseFile)
    )
    expect(thrown.lines).toEqual(['::error::Unexpected error in the container hook: a string\n'])
  })

  it('prints the stack and its cause as debug lines when step debug is on', async () => {
    const cause = new Error('connect ECONNREFUSED /var/run/docker.sock')
    const result = await run(
      handlers({
        runScriptStep: () => Promise.reject(new InputError('Docker is not reachable', 1, { cause }))
      }),
      payloads.runScriptStep(responseFile),
      { ACTIONS_STEP_DEBUG: 'true' }
    )
    expect(result.code).toBe(1)
    expect(result.lines).toHaveLength(3)
    expect(result.lines[0]).toMatch(/^::debug::InputError: Docker is not reachable%0A {4}at .*\n$/)
    expect(result.lines[1]).toMatch(/^::debug::Caused by: Error: connect ECONNREFUSED/)
    expect(result.lines[2]).toBe('::error::Docker is not reachable\n')
  })

  it('masks secrets the handler registered, also in the error line', async () => {
    const result = await run(
      handlers({
        prepareJob: (args, ctx) => {
          ctx.log.addMask(args.container?.registry?.password ?? '')
          return Promise.reject(new Error(`login failed for s3cr3t-registry-token`))
        }
      }),
      payloads.prepareJob(responseFile)
    )
    expect(result.lines).toEqual([
      '::add-mask::s3cr3t-registry-token\n',
      '::error::Unexpected error in the container hook: login failed for ***\n'
    ])
  })
})

describe('runHook cancellation in process', () => {
  function waitForAbort(ctx: HookContext): Promise<void> {
    if (ctx.signal.aborted) return Promise.resolve()
    return new Promise(resolve => ctx.signal.addEventListener('abort', () => resolve()))
  }

  it('aborts the signal with a CancelledError on SIGINT; a second signal does not stop the cleanup', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]
    let reason: unknown
    const h = handlers({
      runScriptStep: async (_a, ctx) => {
        setImmediate(() => process.emit('SIGINT'))
        await waitForAbort(ctx)
        reason = ctx.signal.reason
        process.emit('SIGTERM')
        ctx.log.info('stopped the container')
        throw ctx.signal.reason
      }
    })
    const result = await run(h, payloads.runScriptStep(responseFile), {}, true)
    expect(reason).toBeInstanceOf(CancelledError)
    expect(result).toEqual({
      code: 130,
      lines: [
        'Received SIGINT: cancelling\n',
        'Received SIGTERM again; still cleaning up\n',
        'stopped the container\n',
        '::error::The step was cancelled (SIGINT)\n'
      ],
      response: ''
    })
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before)
  })

  it('still writes the prepare_job response when cancelled, so cleanup finds what was created', async () => {
    const h = handlers({
      prepareJob: () => {
        process.emit('SIGTERM')
        return Promise.resolve(prepared)
      }
    })
    const result = await run(h, payloads.prepareJob(responseFile), {}, true)
    expect(result).toEqual({
      code: 130,
      lines: ['Received SIGTERM: cancelling\n', '::error::The step was cancelled (SIGTERM)\n'],
      response: JSON.stringify(prepared)
    })
  })

  it('a signal before the command starts cancels it unstarted; cleanup_job still runs', async () => {
    const ran: string[] = []
    const replay = (onSignal: (name: string) => void): (() => void) => {
      onSignal('SIGINT')
      return () => undefined
    }
    const h = handlers({
      runScriptStep: () => Promise.resolve(void ran.push('step')),
      cleanupJob: () => Promise.resolve(void ran.push('cleanup'))
    })
    const options = { env: {}, exit: false, signals: false, cancellation: replay }
    const lines: string[] = []
    const write = (t: string): number => lines.push(t)
    const step = Readable.from([payloads.line(payloads.runScriptStep(responseFile))])
    expect(await runHook(h, { ...options, stdin: step, write })).toBe(130)
    expect(lines).toEqual([
      'Received SIGINT: cancelling\n',
      '::error::The step was cancelled (SIGINT)\n'
    ])
    const cleanup = Readable.from([payloads.line(payloads.cleanupJob(responseFile))])
    await runHook(h, { ...options, stdin: cleanup, write })
    expect(ran).toEqual(['cleanup'])
  })

  it("reports a library's AbortError after cancellation as the cancellation", async () => {
    const h = handlers({
      runContainerStep: async (_a, ctx) => {
        process.emit('SIGINT')
        await waitForAbort(ctx)
        throw new DOMException('This operation was aborted', 'AbortError')
      }
    })
    const result = await run(h, payloads.runContainerStep(responseFile), {}, true)
    expect(result.code).toBe(130)
    expect(result.lines.at(-1)).toBe('::error::The step was cancelled (SIGINT)\n')
  })
})

// The runner runs hooks with its bundled Node 20 (default) or Node 24; scripts/node fails loudly
// when one is missing.
const runnerNode = (major: number) => (): string =>
  execFileSync(join(__dirname, '../../../scripts/node'), [String(major)], {
    encoding: 'utf8'
  }).trim()
const nodes: Array<[string, () => string]> = [
  ['this node', () => process.execPath],
  ["the runner's node 20", runnerNode(20)],
  ["the runner's node 24", runnerNode(24)]
]

describe.each(nodes)('runHook in a real child process on %s', (_name, nodePath) => {
  let hookJs: string
  let buildDir: string
  let node: string

  beforeAll(() => {
    node = nodePath()
    buildDir = mkdtempSync(join(tmpdir(), 'hooklib-child-'))
    hookJs = join(buildDir, 'index.js')
    buildSync({
      entryPoints: [join(__dirname, 'fixtures/child-hook.ts')],
      outfile: hookJs,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      logLevel: 'error'
    })
  })
  afterAll(() => rmSync(buildDir, { recursive: true, force: true }))

  interface Child {
    code: number | null
    signal: NodeJS.Signals | null
    stdout: string
    stderr: string
  }

  function runChild(
    payload: object,
    mode = 'ok',
    onOutput?: (stdout: string, kill: (s: NodeJS.Signals) => void) => void
  ) {
    return new Promise<Child>((resolve, reject) => {
      const child = spawn(node, [hookJs], {
        env: { PATH: process.env.PATH, HOOK_MODE: mode },
        stdio: ['pipe', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        onOutput?.(stdout, s => child.kill(s))
      })
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('error', reject)
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        resolve({ code, signal, stdout, stderr })
      })
      child.stdin.end(payloads.line(payload))
    })
  }

  it('exits 0 and writes the prepare_job response', async () => {
    const child = await runChild(payloads.prepareJob(responseFile))
    expect(child).toMatchObject({ code: 0, stdout: '', stderr: '' })
    expect(JSON.parse(readFileSync(responseFile, 'utf8'))).toEqual({
      state: { from: 'child' },
      context: { services: [] },
      isAlpine: false
    })
  })

  it("exits with the user's exit code and one error line", async () => {
    const child = await runChild(payloads.runScriptStep(responseFile), 'step-fails')
    expect(child).toEqual({
      code: 3,
      signal: null,
      stdout: '::error::The step exited with code 3\n',
      stderr: ''
    })
  })

  it("starts its error line on a line of its own after the step's unterminated last line", async () => {
    const child = await runChild(payloads.runScriptStep(responseFile), 'unterminated-step-fails')
    expect(child).toEqual({
      code: 3,
      signal: null,
      stdout: 'done\n::error::The step exited with code 3\n',
      stderr: 'on stderr'
    })
  })

  it('exits 1 with one line on bad input', async () => {
    const child = await runChild({
      command: 'run_script_step',
      responseFile,
      args: { entryPoint: 'sh' }
    })
    expect(child).toEqual({
      code: 1,
      signal: null,
      stdout:
        '::error::Invalid hook input: args.workingDirectory: expected a string, got missing\n',
      stderr: ''
    })
  })

  it.each([
    ['crash', 'cannot read properties of undefined'],
    ['unhandled-rejection', 'stray rejection'],
    ['uncaught-exception', 'thrown from a timer']
  ])('turns %s into one error line and exit 1, no stack', async (mode, message) => {
    const child = await runChild(payloads.runScriptStep(responseFile), mode)
    expect(child).toEqual({
      code: 1,
      signal: null,
      stdout: `::error::Unexpected error in the container hook: ${message}\n`,
      stderr: ''
    })
  })

  it('fails instead of exiting 0 when the handler can never finish', async () => {
    const child = await runChild(payloads.runScriptStep(responseFile), 'never-settles')
    expect(child).toEqual({
      code: 1,
      signal: null,
      stdout:
        '::error::The container hook stopped before its handler finished: it awaited a promise that can never settle\n',
      stderr: ''
    })
  })

  it('flushes all output before exiting', async () => {
    const child = await runChild(payloads.runScriptStep(responseFile), 'chatty')
    const lines = child.stdout.split('\n')
    expect(child.code).toBe(2)
    expect(lines).toHaveLength(20002)
    expect(lines[19999]).toBe(`line 19999 ${'x'.repeat(60)}`)
    expect(lines[20000]).toBe('::error::The step exited with code 2')
  })

  it('exits although a timer is left running', async () => {
    const child = await runChild(payloads.runScriptStep(responseFile), 'open-handle')
    expect(child).toMatchObject({ code: 0, stdout: 'left a timer running\n' })
  })

  it('cleans up on SIGINT, survives a second SIGINT, and exits 130', async () => {
    let sent = 0
    const child = await runChild(
      payloads.runScriptStep(responseFile),
      'clean-up-on-cancel',
      (out, kill) => {
        if (sent === 0 && out.includes('waiting for cancel')) {
          sent = 1
          kill('SIGINT')
        } else if (sent === 1 && out.includes('cleaning up')) {
          sent = 2
          kill('SIGINT')
        }
      }
    )
    expect(child).toEqual({
      code: 130,
      signal: null,
      stdout: [
        'waiting for cancel',
        'Received SIGINT: cancelling',
        'cleaning up',
        'Received SIGINT again; still cleaning up',
        'cleaned up',
        '::error::The step was cancelled (SIGINT)',
        ''
      ].join('\n'),
      stderr: ''
    })
  })
})
