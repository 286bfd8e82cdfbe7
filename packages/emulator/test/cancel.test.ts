import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { run, tempDir, writeScript } from './helpers'

/**
 * A hook whose run_script_step (of a step with env LONG) starts a grandchild (`sleep 60`, pid written to PID_FILE) and then
 * waits forever. It records each signal it receives; with HANDLE_SIGINT it stops on SIGINT.
 */
const STUBBORN = `
const fs = require('fs'), cp = require('child_process')
let raw = ''
process.stdin.on('data', d => (raw += d)).on('end', () => {
  const input = JSON.parse(raw)
  if (input.command === 'prepare_job') fs.writeFileSync(input.responseFile, '{"isAlpine":false,"state":{"s":1}}')
  if (input.command !== 'run_script_step' || !input.args.environmentVariables.LONG) return
  const child = cp.spawn('sleep', ['60'], { stdio: 'ignore' })
  fs.writeFileSync(process.env.PID_FILE, String(child.pid))
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      fs.appendFileSync(process.env.SIGNAL_LOG, sig + '\\n')
      if (process.env.HANDLE_SIGINT) { console.log('stopping the remote process'); child.kill(); process.exit(130) }
    })
  }
  console.log('step started')
  setInterval(() => undefined, 1000)
})
`

function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`
  return existsSync(stat) && !/^\d+ \([^)]*\) Z/.test(readFileSync(stat, 'utf8'))
}

function setup(handle: boolean) {
  const dir = tempDir()
  const files = { SIGNAL_LOG: join(dir, 'signals'), PID_FILE: join(dir, 'pid') }
  const hook = writeScript(dir, 'stubborn.js', STUBBORN)
  const env: Record<string, string> = { ...files }
  if (handle) env.HANDLE_SIGINT = '1'
  return {
    hook,
    env,
    pidFile: files.PID_FILE,
    received: () =>
      existsSync(files.SIGNAL_LOG)
        ? readFileSync(files.SIGNAL_LOG, 'utf8').split('\n').filter(Boolean)
        : [],
    grandchild: () => Number(readFileSync(files.PID_FILE, 'utf8'))
  }
}

const job = (step: Record<string, unknown>) => ({
  container: { image: 'x' },
  steps: [
    { run: 'long', env: { LONG: '1' }, ...step },
    { run: 'later' },
    { run: 'always', if: 'always()' }
  ]
})

describe('cancellation like the runner', () => {
  it('sends SIGINT, SIGTERM after the first wait, then kills the whole tree after the second', async () => {
    const t = setup(false)
    const { result, log } = await run(job({ 'cancel-after': 1 }), {
      hook: t.hook,
      env: t.env,
      cancelWaits: { interruptMs: 1000, terminateMs: 500 }
    })
    const step = result.steps[0]
    expect(step.result).toBe('cancelled')
    expect(step.signals.map(s => s.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL'])
    // Upper bounds leave room for a loaded CI machine's timer lag, still far from other waits.
    const [int, term, kill] = step.signals.map(s => s.atMs)
    expect(int).toBeGreaterThanOrEqual(1000)
    expect(int).toBeLessThan(2000)
    expect(term - int).toBeGreaterThanOrEqual(990)
    expect(term - int).toBeLessThan(1800)
    expect(kill - term).toBeGreaterThanOrEqual(490)
    expect(kill - term).toBeLessThan(1300)
    expect(t.received()).toEqual(['SIGINT', 'SIGTERM'])
    expect(log).toContain('step started')
    expect(log).toContain('##[error]The operation was canceled.')
    expect(alive(t.grandchild())).toBe(false)
    // Later steps are skipped, `if: always()` still runs, and cleanup_job runs with the state.
    expect(result.steps.map(s => s.result)).toEqual(['cancelled', 'skipped', 'success'])
    expect(result.cleanup).toMatchObject({
      result: 'success',
      input: { command: 'cleanup_job', args: {}, state: { s: 1 } }
    })
    expect(result.result).toBe('cancelled')
  })

  it('stops early when the hook handles SIGINT', async () => {
    const t = setup(true)
    const { result, log } = await run(job({ 'cancel-after': 1 }), { hook: t.hook, env: t.env })
    const step = result.steps[0]
    expect(step).toMatchObject({ result: 'cancelled', exitCode: 130 })
    expect(step.signals.map(s => s.signal)).toEqual(['SIGINT'])
    expect(step.durationMs).toBeLessThan(3000)
    expect(log).toContain('stopping the remote process')
    expect(t.received()).toEqual(['SIGINT'])
  })

  it("uses the runner's own waits by default: 7.5 s to SIGTERM, 2.5 s more to the kill", async () => {
    const t = setup(false)
    const { result } = await run(job({ 'cancel-after': 1 }), { hook: t.hook, env: t.env })
    const [int, term, kill] = result.steps[0].signals.map(s => s.atMs)
    expect(term - int).toBeGreaterThanOrEqual(7490)
    expect(term - int).toBeLessThan(8500)
    expect(kill - term).toBeGreaterThanOrEqual(2490)
    expect(kill - term).toBeLessThan(3500)
    expect(alive(t.grandchild())).toBe(false)
  }, 30_000)

  it('fails a step that reaches timeout-minutes (the job goes on to cleanup)', async () => {
    const t = setup(true)
    const { result, log } = await run(job({ 'timeout-minutes': 0.01 }), {
      hook: t.hook,
      env: t.env
    })
    expect(result.steps[0]).toMatchObject({
      result: 'failure',
      errors: ['The action has timed out.']
    })
    expect(result.steps[0].signals[0]).toMatchObject({ signal: 'SIGINT' })
    expect(log).toContain('##[error]The action has timed out.')
    expect(result.result).toBe('failure')
  })

  it('cancels the running step when the caller aborts, and skips the rest', async () => {
    const t = setup(true)
    const abort = new AbortController()
    // Abort once the long step is running (its hook wrote the grandchild's pid).
    const poll = setInterval(() => {
      if (existsSync(t.pidFile)) {
        clearInterval(poll)
        abort.abort()
      }
    }, 50)
    const { result } = await run(job({}), { hook: t.hook, env: t.env, signal: abort.signal })
    expect(result.steps.map(s => s.result)).toEqual(['cancelled', 'skipped', 'success'])
    expect(result.cleanup?.result).toBe('success')
    expect(result.result).toBe('cancelled')
  })

  it('cancels a step that runs on the host the same way', async () => {
    const t = setup(false)
    const { result } = await run(
      { steps: [{ run: 'trap "" INT TERM; echo host-started; sleep 30', 'cancel-after': 0.5 }] },
      { hook: t.hook, cancelWaits: { interruptMs: 300, terminateMs: 300 } }
    )
    expect(result.steps[0].result).toBe('cancelled')
    expect(result.steps[0].signals.map(s => s.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL'])
    expect(result.steps[0].durationMs).toBeLessThan(2500)
  })
})
