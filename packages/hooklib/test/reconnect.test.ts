import {
  ConfigError,
  ConnectionWatch,
  DEFAULT_RECONNECT_MS,
  readReconnectBoundMs,
  ReconnectTimeoutError
} from '../src'

const NAME = 'ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_RECONNECT_SECONDS'
const refused = (): Error => Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' })

describe('readReconnectBoundMs', () => {
  it('defaults to 120 s', () => {
    expect(readReconnectBoundMs({}, NAME)).toBe(DEFAULT_RECONNECT_MS)
    expect(DEFAULT_RECONNECT_MS).toBe(120_000)
  })

  it("reads the hook's own variable in seconds, before the incumbent's heartbeat deadline", () => {
    expect(readReconnectBoundMs({ [NAME]: '30' }, NAME)).toBe(30_000)
    expect(readReconnectBoundMs({ ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '61000' }, NAME)).toBe(
      61_000
    )
    expect(
      readReconnectBoundMs({ [NAME]: '5', ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '61000' }, NAME)
    ).toBe(5000)
  })

  it.each(['0', '-1', '1.5', 'soon'])('refuses %s, naming the variable', value => {
    expect(() => readReconnectBoundMs({ [NAME]: value }, NAME)).toThrow(ConfigError)
    expect(() => readReconnectBoundMs({ [NAME]: value }, NAME)).toThrow(NAME)
    expect(() =>
      readReconnectBoundMs({ ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: value }, NAME)
    ).toThrow('ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS')
  })
})

describe('ConnectionWatch', () => {
  function watch(boundMs: number, signal = new AbortController().signal) {
    const lines: string[] = []
    const w = new ConnectionWatch({
      boundMs,
      peer: 'the engine',
      signal,
      log: { info: (line: string) => lines.push(line) },
      isConnectionError: err => (err as { code?: string }).code === 'ENOENT'
    })
    return { w, lines }
  }

  it('answers at once, printing nothing, while connected', async () => {
    const { w, lines } = watch(1000)
    await expect(w.call(() => Promise.resolve(5))).resolves.toBe(5)
    expect(lines).toEqual([])
    expect(w.disconnected).toBe(false)
  })

  it('retries through an outage: one line when lost, one when back', async () => {
    const { w, lines } = watch(5000)
    let failures = 3
    const attempt = (): Promise<string> =>
      failures-- > 0 ? Promise.reject(refused()) : Promise.resolve('ok')
    await expect(w.call(attempt)).resolves.toBe('ok')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^Lost the connection to the engine \(connect ENOENT\).*up to 5 s$/)
    expect(lines[1]).toMatch(/^Reconnected to the engine after \d+\.\d s$/)
    expect(w.disconnected).toBe(false)
  })

  it('prints the lost line once per outage, however often it is reported', () => {
    const { w, lines } = watch(5000)
    w.lost(refused())
    w.lost(refused())
    expect(lines).toHaveLength(1)
    expect(w.disconnected).toBe(true)
  })

  it('gives up with a ReconnectTimeoutError once the outage outlasts the bound', async () => {
    const { w } = watch(300)
    const started = Date.now()
    const failure = w.call(() => Promise.reject(refused()))
    await expect(failure).rejects.toThrow(ReconnectTimeoutError)
    await expect(failure).rejects.toThrow(/for longer than 0 s while the step was running/)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('keeps trying until the bound ends, not a pause before it', async () => {
    const { w } = watch(2500)
    const started = Date.now()
    let last = 0
    const failure = w.call(() => {
      last = Date.now() - started
      return Promise.reject(refused())
    })
    await expect(failure).rejects.toThrow(ReconnectTimeoutError)
    expect(last).toBeGreaterThanOrEqual(2500)
    expect(Date.now() - started).toBeLessThan(3500)
  })

  it('passes on errors that are not about the connection', async () => {
    const { w, lines } = watch(5000)
    await expect(w.call(() => Promise.reject(new Error('no such exec')))).rejects.toThrow(
      'no such exec'
    )
    expect(lines).toEqual([])
  })

  it('stops retrying when the step is cancelled', async () => {
    const controller = new AbortController()
    const { w } = watch(60_000, controller.signal)
    setTimeout(() => controller.abort(new Error('cancelled')), 200)
    await expect(w.call(() => Promise.reject(refused()))).rejects.toThrow('cancelled')
  })
})
