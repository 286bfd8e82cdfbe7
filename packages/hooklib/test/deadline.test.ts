import { deadline } from '../src'
import { gc } from './fixtures/gc'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

describe('deadline', () => {
  test('aborts at the bound with a TimeoutError, even after a garbage collection', async () => {
    const seen: unknown[] = []
    ;(() => {
      const { signal } = deadline(50, new AbortController().signal)
      signal.addEventListener('abort', () => seen.push(signal.reason))
    })()
    gc()
    await sleep(20)
    gc()
    await sleep(200)
    expect(seen).toHaveLength(1)
    expect((seen[0] as DOMException).name).toBe('TimeoutError')
  })

  test('a parent abort aborts it first, with the parent reason', () => {
    const parent = new AbortController()
    const bound = deadline(60_000, parent.signal)
    parent.abort(new Error('cancelled'))
    expect(bound.signal.aborted).toBe(true)
    expect((bound.signal.reason as Error).message).toBe('cancelled')
    bound.clear()
  })

  test('clear stops the timer', async () => {
    const bound = deadline(30)
    bound.clear()
    await sleep(80)
    expect(bound.signal.aborted).toBe(false)
  })
})
