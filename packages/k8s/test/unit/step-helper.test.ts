import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { EventEmitter, once } from 'node:events'
import { connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import {
  CancelledError,
  StepFailedError,
  type HookContext,
  type HookHandlers
} from '@container-hooks/hooklib'
import { LOST_HELPER, runInHelper, scriptStepPod } from '../../src/step-helper/client'
import { stopHelper, warmHelper } from '../../src/step-helper/launch'
import { FRAME, FrameReader, frame } from '../../src/step-helper/protocol'
import { socketPath, trustedDir } from '../../src/step-helper/socket-path'
import { serveSteps, type HelperOptions } from '../../src/step-helper/server'
import { waitFor } from '../support/wait'

// Sockets go where the hook's go (the real per-user directory), one pod name per test.
let POD: string
let dir: string
let server: Server | undefined

beforeEach(() => {
  POD = `unit-${randomBytes(6).toString('hex')}`
  dir = mkdtempSync(join(tmpdir(), 'k8s-step-helper-'))
})
afterEach(async () => {
  if (server?.listening) await new Promise(resolve => server!.close(resolve))
  server = undefined
  rmSync(dir, { recursive: true, force: true })
})

function input(state: object | null = { pod: POD }): string {
  return JSON.stringify({
    command: 'run_script_step',
    responseFile: join(dir, 'response.json'),
    state,
    args: {
      entryPoint: 'true',
      entryPointArgs: [],
      environmentVariables: {},
      prependPath: [],
      workingDirectory: '/__w'
    }
  })
}

function handlers(runScriptStep: HookHandlers['runScriptStep']): HookHandlers {
  const unused = (): Promise<never> => Promise.reject(new Error('not in these tests'))
  return { prepareJob: unused, cleanupJob: unused, runContainerStep: unused, runScriptStep }
}

async function serve(step: HookHandlers['runScriptStep'], extra: Partial<HelperOptions> = {}) {
  server = serveSteps(POD, { handlers: handlers(step), warmUp: () => Promise.resolve(), ...extra })
  expect(server).toBeDefined()
  if (!server!.listening) await once(server!, 'listening')
  return server!
}

function client(env: NodeJS.ProcessEnv = process.env) {
  const out = { stdout: '', stderr: '' }
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  stdout.on('data', (c: Buffer) => (out.stdout += c.toString()))
  stderr.on('data', (c: Buffer) => (out.stderr += c.toString()))
  const signals = new EventEmitter()
  return { io: { stdout, stderr, env, signals }, out, signals }
}

/** Resolves when the step handler has started, with its context. */
function started(): { seen: Promise<HookContext>; mark: (ctx: HookContext) => void } {
  let mark: (ctx: HookContext) => void = () => undefined
  const seen = new Promise<HookContext>(resolve => (mark = resolve))
  return { seen, mark }
}

/** Waits for `what` (no fixed sleep: a loaded machine may take its time), failing after 5 s. */
function until(what: string, done: () => boolean): Promise<true> {
  return waitFor(what, 5_000, () => Promise.resolve(done() || undefined), undefined, 10)
}

function untilAborted(ctx: HookContext): Promise<never> {
  return new Promise((_, reject) =>
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error))
  )
}

describe('scriptStepPod', () => {
  test('is the job pod of a run_script_step input, and nothing else', () => {
    expect(scriptStepPod(input())).toBe(POD)
    expect(scriptStepPod(input(null))).toBeUndefined()
    expect(scriptStepPod(input({ pod: 3 }))).toBeUndefined()
    expect(scriptStepPod(JSON.stringify({ command: 'cleanup_job', state: { pod: POD } }))).toBe(
      undefined
    )
    expect(scriptStepPod('{"command":')).toBeUndefined()
    expect(scriptStepPod('')).toBeUndefined()
  })
})

describe('FrameReader', () => {
  test('cuts frames back out of any chunking', () => {
    const bytes = Buffer.concat([
      frame(FRAME.stdout, 'hello'),
      frame(FRAME.stderr, Buffer.alloc(20_000, 1)),
      frame(FRAME.exit, '3')
    ])
    for (const size of [1, 7, 4096, bytes.length]) {
      const reader = new FrameReader()
      const frames = []
      for (let i = 0; i < bytes.length; i += size)
        frames.push(...reader.push(bytes.subarray(i, i + size)))
      expect(frames.map(f => [f.type, f.payload.length])).toEqual([
        [FRAME.stdout, 5],
        [FRAME.stderr, 20_000],
        [FRAME.exit, 1]
      ])
      expect(frames[2].payload.toString()).toBe('3')
    }
  })
})

describe('a step through the helper', () => {
  test('streams output and log lines in order, with the env the client sent, and exits 0', async () => {
    let env: NodeJS.ProcessEnv | undefined
    await serve((_args, ctx) => {
      env = ctx.env
      ctx.log.info('before')
      ctx.stdout.write('out 1\n')
      ctx.stderr.write('err 1\n')
      ctx.stdout.write('out 2\n')
      ctx.log.warning('after')
      return Promise.resolve()
    })
    const sent = { ...process.env, FROM: 'client', RUNNER_DEBUG: '0' }
    const c = client(sent)
    expect(await runInHelper(POD, input(), c.io)).toEqual({ code: 0 })
    expect(c.out.stdout).toBe('before\nout 1\nout 2\n::warning::after\n')
    expect(c.out.stderr).toBe('err 1\n')
    expect(env).toEqual(sent)
  })

  test("exits with the user's code and one error line when the step fails", async () => {
    await serve(() => Promise.reject(new StepFailedError(3, 'The step failed with exit code 3')))
    const c = client()
    expect(await runInHelper(POD, input(), c.io)).toEqual({ code: 3 })
    expect(c.out.stdout).toBe('::error::The step failed with exit code 3\n')
  })

  test('a signal the client receives cancels the step in the helper', async () => {
    const step = started()
    await serve((_args, ctx) => {
      step.mark(ctx)
      return untilAborted(ctx)
    })
    const c = client()
    const result = runInHelper(POD, input(), c.io)
    const ctx = await step.seen
    c.signals.emit('SIGTERM')
    const outcome = await result
    expect(ctx.signal.reason).toBeInstanceOf(CancelledError)
    expect(outcome).toEqual({ code: new CancelledError().exitCode })
    expect(c.out.stdout).toContain('Received SIGTERM: cancelling\n')
    expect(c.out.stdout).toContain('::error::The step was cancelled (SIGTERM)')
    expect(c.signals.listenerCount('SIGTERM')).toBe(0)
  })

  test('a client that goes away cancels the step in the helper', async () => {
    const step = started()
    let cancelled: unknown
    await serve(async (_args, ctx) => {
      step.mark(ctx)
      await untilAborted(ctx).catch((err: unknown) => (cancelled = err))
    })
    // The hook process, killed mid-step: its end of the socket closes.
    const conn = connect(socketPath(POD)!)
    await once(conn, 'connect')
    conn.write(frame(FRAME.request, JSON.stringify({ input: input(), env: process.env })))
    await step.seen
    conn.destroy()
    await until('the step to be cancelled', () => cancelled !== undefined)
    expect(cancelled).toBeInstanceOf(CancelledError)
  })

  test('a slow stdout gets every byte in order, with one drain listener at most', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(40)}\n`)
    await serve((_args, ctx) => {
      for (const line of lines) ctx.stdout.write(line)
      return Promise.resolve()
    })
    const received: Buffer[] = []
    let mostListeners = 0
    const stdout = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, done) {
        received.push(chunk)
        mostListeners = Math.max(mostListeners, stdout.listenerCount('drain'))
        setImmediate(done)
      }
    })
    const c = client()
    expect(await runInHelper(POD, input(), { ...c.io, stdout })).toEqual({ code: 0 })
    await new Promise(resolve => stdout.end(resolve))
    expect(Buffer.concat(received).toString()).toBe(lines.join(''))
    expect(mostListeners).toBeLessThanOrEqual(1)
  })

  test('a helper that dies mid-step fails the step: never a green step', async () => {
    const step = started()
    const s = await serve((_args, ctx) => {
      step.mark(ctx)
      return new Promise(() => undefined)
    })
    const conns: Socket[] = []
    s.on('connection', (conn: Socket) => conns.push(conn))
    const c = client()
    const result = runInHelper(POD, input(), c.io)
    await step.seen
    // What a crash of the helper process does to the connection.
    for (const conn of conns) conn.destroy()
    expect(await result).toEqual({ code: 1 })
    expect(c.out.stdout).toBe(`::error::${LOST_HELPER}\n`)
  })

  test("its error line starts a line of its own after the step's unterminated output", async () => {
    const s = await serve((_args, ctx) => {
      ctx.stdout.write('half a line')
      return new Promise(() => undefined)
    })
    const conns: Socket[] = []
    s.on('connection', (conn: Socket) => conns.push(conn))
    const c = client()
    const result = runInHelper(POD, input(), c.io)
    await until('the step output', () => c.out.stdout === 'half a line')
    for (const conn of conns) conn.destroy()
    expect(await result).toEqual({ code: 1 })
    expect(c.out.stdout).toBe(`half a line\n::error::${LOST_HELPER}\n`)
  })
})

describe('finding the helper', () => {
  test('no helper: the hook runs the step itself', async () => {
    expect(await runInHelper(POD, input(), client().io)).toEqual({ signals: [] })
    await serve(() => Promise.resolve())
    expect(await runInHelper('runner-0-job-other', input(), client().io)).toEqual({ signals: [] })
  })

  test('signals received while no helper ran the step are handed back for the own run', async () => {
    const alone = client()
    const none = runInHelper(POD, input(), alone.io)
    alone.signals.emit('SIGINT')
    expect(await none).toEqual({ signals: ['SIGINT'] })
    expect(alone.signals.listenerCount('SIGINT')).toBe(0)
    await serve(() => Promise.resolve())
    const elsewhere = client({ ...process.env, KUBECONFIG: '/elsewhere/kubeconfig' })
    const declined = runInHelper(POD, input(), elsewhere.io)
    elsewhere.signals.emit('SIGTERM')
    expect(await declined).toEqual({ signals: ['SIGTERM'] })
  })

  test('only a directory of this user that nobody else may enter is trusted', () => {
    const own = join(dir, 'own')
    mkdirSync(own, { mode: 0o700 })
    expect(trustedDir(own)).toBe(true)
    chmodSync(own, 0o750)
    expect(trustedDir(own)).toBe(false)
    const link = join(dir, 'link')
    chmodSync(own, 0o700)
    symlinkSync(own, link)
    expect(trustedDir(link)).toBe(false)
    expect(trustedDir(join(dir, 'missing'))).toBe(false)
    expect(trustedDir()).toBe(true)
  })

  test('a helper declines a step whose env names another cluster or credentials', async () => {
    let ran = false
    await serve(() => {
      ran = true
      return Promise.resolve()
    })
    const env = { ...process.env, KUBECONFIG: '/elsewhere/kubeconfig' }
    const c = client(env)
    expect(await runInHelper(POD, input(), c.io)).toEqual({ signals: [] })
    expect(ran).toBe(false)
    expect(c.out.stdout).toBe('')
    expect(await runInHelper(POD, input(), client(process.env).io)).toEqual({ code: 0 })
    expect(ran).toBe(true)
  })

  test('a pod name too long for a socket path gets no helper', () => {
    expect(socketPath('p'.repeat(120))).toBeUndefined()
  })
})

describe('the helper process', () => {
  test('stops when told, removing its socket', async () => {
    const s = await serve(() => Promise.resolve())
    expect(existsSync(socketPath(POD)!)).toBe(true)
    await stopHelper(POD)
    if (s.listening) await once(s, 'close')
    await until('the socket to be removed', () => !existsSync(socketPath(POD)!))
    await stopHelper(POD)
  })

  test('stops by itself when idle', async () => {
    const s = await serve(() => Promise.resolve(), { idleMs: 100 })
    expect(await runInHelper(POD, input(), client().io)).toEqual({ code: 0 })
    await once(s, 'close')
  })

  test('runs the warm-up with the state prepare_job sends, without holding the connection', async () => {
    let warmed: unknown
    await serve(() => Promise.resolve(), {
      warmUp: state => {
        warmed = state
        return new Promise(() => undefined)
      }
    })
    await warmHelper(POD, { pod: POD, namespace: 'ns' })
    await until('the warm-up', () => warmed !== undefined)
    expect(warmed).toEqual({ pod: POD, namespace: 'ns' })
  })
})
