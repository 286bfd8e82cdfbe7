import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { contextHash } from '../../src/image-build/context-hash'

describe('contextHash', () => {
  let dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    dirs = []
  })

  function action(): string {
    const dir = mkdtempSync(join(tmpdir(), 'context-hash-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY . /a\n')
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'src/entrypoint.sh'), '#!/bin/sh\necho hi\n')
    chmodSync(join(dir, 'src/entrypoint.sh'), 0o755)
    symlinkSync('src/entrypoint.sh', join(dir, 'run'))
    return dir
  }

  test('the same content hashes the same, whatever the timestamps', () => {
    const a = action()
    const b = action()
    utimesSync(join(b, 'Dockerfile'), 1, 1)
    expect(contextHash(a, ['x'])).toBe(contextHash(b, ['x']))
    expect(contextHash(a, ['x'])).toMatch(/^[0-9a-f]{64}$/)
  })

  test('content, modes, links, new files and the extra inputs all count', () => {
    const base = contextHash(action(), [])
    const changes: ((dir: string) => void)[] = [
      dir => writeFileSync(join(dir, 'src/entrypoint.sh'), '#!/bin/sh\necho bye\n'),
      dir => chmodSync(join(dir, 'src/entrypoint.sh'), 0o644),
      dir => {
        rmSync(join(dir, 'run'))
        symlinkSync('Dockerfile', join(dir, 'run'))
      },
      dir => mkdirSync(join(dir, 'empty'))
    ]
    for (const change of changes) {
      const dir = action()
      change(dir)
      expect(contextHash(dir, [])).not.toBe(base)
    }
    expect(contextHash(action(), ['--build-arg=A'])).not.toBe(base)
  })
})
