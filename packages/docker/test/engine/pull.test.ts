/**
 * pullImage against the real engine, in-process so that the retry delays can be injected: the
 * back-off is timed without the suite waiting the default 1 s + 2 s.
 */
import { createLogger, type Logger } from '@container-hooks/hooklib'
import { pullImage } from '../../src/driver/images'
import { docker } from '../support/hook'

function capture(): { log: Logger; text: () => string } {
  let text = ''
  return { log: createLogger({ write: t => (text += t), debug: false }), text: () => text }
}

const signal = new AbortController().signal

describe('pullImage on a real engine', () => {
  it('retries an unknown image with a doubling, bounded back-off, then fails naming it', async () => {
    const { log, text } = capture()
    const image = 'container-hooks-test/does-not-exist-anywhere:1'
    const started = Date.now()
    await expect(
      pullImage(docker, { image, registry: null, field: 'container.image' }, log, signal, {
        attempts: 3,
        firstDelayMs: 200
      })
    ).rejects.toThrow(`Could not pull container.image "${image}" after 3 attempts`)
    const elapsed = Date.now() - started
    // 200 + 400 ms of back-off, plus three failed pull attempts of the engine.
    expect(elapsed).toBeGreaterThanOrEqual(600)
    expect(elapsed).toBeLessThan(600 + 3 * 2000)
    const retries = text().match(/retrying in \d+\.\ds/g)
    expect(retries).toEqual(['retrying in 0.2s', 'retrying in 0.4s'])
  })

  it('stops retrying when cancelled during the back-off', async () => {
    const { log } = capture()
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const started = Date.now()
    await expect(
      pullImage(
        docker,
        { image: 'container-hooks-test/does-not-exist-anywhere:1', registry: null, field: 'x' },
        log,
        controller.signal,
        { attempts: 3, firstDelayMs: 60000 }
      )
    ).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
