import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultCacheDir } from '../src/cache-dir'
import { ensureExternals } from '../src/layout'
import { tempDir } from './helpers'

describe("the emulator's cache directory", () => {
  it('is HOOKS_CACHE_DIR, else the XDG cache dir', () => {
    expect(defaultCacheDir({ HOOKS_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c')
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/container-hooks')
    expect(defaultCacheDir({ HOME: '/h' })).toBe('/h/.cache/container-hooks')
  })

  it('that cannot be written is one error naming HOOKS_CACHE_DIR', () => {
    const file = join(tempDir(), 'a-file')
    writeFileSync(file, '')
    expect(() => ensureExternals(process.execPath, join(file, 'cache'))).toThrow(
      `The emulator cannot write its cache directory ${join(file, 'cache')} (ENOTDIR); set HOOKS_CACHE_DIR to a writable directory`
    )
  })
})
