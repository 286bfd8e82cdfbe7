import { createLogger, debugAfterStep, type DebugHandlers, type DebugSettings } from '../src'
import { gc } from './fixtures/gc'

function run(
  settings: DebugSettings,
  exitCode: number,
  handlers: Partial<DebugHandlers>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {}
): Promise<string[]> {
  const lines: string[] = []
  const log = createLogger({ write: text => lines.push(text.replace(/\n$/, '')), debug: false })
  const all: DebugHandlers = {
    diagnose: () => Promise.reject(new Error('diagnose was not expected')),
    hold: () => Promise.reject(new Error('hold was not expected')),
    ...handlers
  }
  const signal = options.signal ?? new AbortController().signal
  return debugAfterStep(settings, exitCode, all, { log, signal }, options.timeoutMs).then(
    () => lines
  )
}

const onFailure: DebugSettings = { mode: 'on-failure', image: 'busybox:1.37' }
const diagnostics = {
  where: 'container dbg',
  source: 'From the API',
  report: ['container job: exited'],
  output: 'PID 1 sh\n::error::not a command\n'
}

describe('debugAfterStep', () => {
  test('prints the diagnostics of a failed step in one group, commands stopped', async () => {
    const lines = await run(onFailure, 3, { diagnose: () => Promise.resolve(diagnostics) })
    expect(lines[0]).toBe('::group::Diagnostics of the failed step (exit code 3): container dbg')
    const token = /^::stop-commands::([0-9a-f]{16})$/.exec(lines[1])![1]
    expect(lines.slice(2, -2)).toEqual([
      '### From the API',
      'container job: exited',
      '',
      'PID 1 sh\n::error::not a command'
    ])
    expect(lines.slice(-2)).toEqual([`::${token}::`, '::endgroup::'])
  })

  test('nothing for a passing step on failure only; always runs it too', async () => {
    expect(await run(onFailure, 0, {})).toEqual([])
    const always = await run({ ...onFailure, mode: 'always' }, 0, {
      diagnose: () => Promise.resolve({ ...diagnostics, output: '' })
    })
    expect(always[0]).toBe('::group::Diagnostics of the step: container dbg')
    expect(always).toContain('(no output from the debug container)')
  })

  test('any failure is one warning, and the hold still happens', async () => {
    const held: number[] = []
    const lines = await run({ ...onFailure, holdSeconds: 30 }, 1, {
      diagnose: () => Promise.reject(new Error('HTTP 403: patch pods/ephemeralcontainers')),
      hold: seconds => {
        held.push(seconds)
        return Promise.reject(new Error('HTTP 403: patch pods'))
      }
    })
    expect(held).toEqual([30])
    expect(lines).toEqual([
      '::warning::Debugging the step: diagnostics: HTTP 403: patch pods/ephemeralcontainers; cannot keep the job: HTTP 403: patch pods'
    ])
  })

  test('a partial result is printed with its problem as the warning', async () => {
    const lines = await run(onFailure, 2, {
      diagnose: () => Promise.resolve({ ...diagnostics, problem: 'did not finish in time' })
    })
    expect(lines[0]).toMatch(/^::group::/)
    expect(lines.at(-1)).toBe('::warning::Debugging the step: diagnostics: did not finish in time')
  })

  test('the time bound aborts the diagnostics, and a hung one is abandoned', async () => {
    let aborted = false
    const started = Date.now()
    const lines = await run(
      onFailure,
      1,
      {
        diagnose: signal => {
          signal.addEventListener('abort', () => (aborted = true))
          // A collection before the bound (CI's load made one happen) must not lose it.
          setTimeout(gc, 20)
          return new Promise(() => undefined)
        }
      },
      { timeoutMs: 100 }
    )
    expect(aborted).toBe(true)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(lines).toEqual(['::warning::Debugging the step: diagnostics: no answer in time'])
  })

  test('a cancelled step gets neither diagnostics nor a hold', async () => {
    const controller = new AbortController()
    controller.abort()
    expect(
      await run({ ...onFailure, holdSeconds: 5 }, 1, {}, { signal: controller.signal })
    ).toEqual([])
  })
})
