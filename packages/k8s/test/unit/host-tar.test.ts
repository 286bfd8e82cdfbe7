import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hostTar } from '../../src/sync/copy'

// The runner's tar must never outlive the exec it feeds: a hook waiting on it would hang.
describe('host tar', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'host-tar-'))
    // Far more than the pipe and stream buffers hold, so tar is still writing.
    writeFileSync(join(dir, 'big'), Buffer.alloc(32 << 20, 1))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a tar still writing when the exec ended fails instead of hanging', async () => {
    await expect(
      hostTar(['-c', '-f', '-', '-C', dir, '.'], () => Promise.resolve())
    ).rejects.toThrow(/tar on the runner failed \((killed by SIGPIPE|exit 2)\)/)
  })

  test('a tar reading when the exec failed ends instead of hanging', async () => {
    const failed = new Error('lost the connection')
    await expect(hostTar(['-x', '-f', '-', '-C', dir], () => Promise.reject(failed))).rejects.toBe(
      failed
    )
  })

  test('a tar whose whole archive was read passes', async () => {
    let bytes = 0
    await hostTar(['-c', '-f', '-', '-C', dir, '.'], child => {
      child.stdout!.on('data', (chunk: Buffer) => (bytes += chunk.length))
      return new Promise(resolve => child.stdout!.on('end', resolve))
    })
    expect(bytes).toBeGreaterThan(32 << 20)
  })
})
