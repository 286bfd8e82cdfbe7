/**
 * The repository's one version, and the commit a bundle says it was built from when the
 * source is not a git checkout (scripts/build-info.mjs).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(__dirname, '../../..')
const readJson = (path: string): { version?: string; dependencies?: Record<string, string> } =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as { version?: string }

/** buildInfo('docker') of a copy of build-info.mjs, package.json and COMMIT in `dir`. */
function buildInfoIn(dir: string): string {
  mkdirSync(join(dir, 'scripts'), { recursive: true })
  cpSync(join(root, 'scripts/build-info.mjs'), join(dir, 'scripts/build-info.mjs'))
  cpSync(join(root, 'package.json'), join(dir, 'package.json'))
  const script = `import('./scripts/build-info.mjs').then(m => process.stdout.write(m.buildInfo('docker')))`
  return execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' })
}

describe('the version', () => {
  const version = readJson('package.json').version

  it('is one for the repository: every package and lerna.json carry the root one', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/)
    const packages = readdirSync(join(root, 'packages')).map(p => `packages/${p}/package.json`)
    for (const file of [...packages, 'lerna.json'])
      expect([file, readJson(file).version]).toEqual([file, version])
    // A published package asks for the same release of the others (scripts/set-version).
    for (const file of packages) {
      const deps = readJson(file).dependencies ?? {}
      for (const [name, range] of Object.entries(deps).filter(([n]) =>
        n.startsWith('@container-hooks/')
      ))
        expect([file, name, range]).toEqual([file, name, `^${version}`])
    }
  })

  it('names the commit that git archive filled in, outside a git checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-info-'))
    try {
      // What a release's source tarball holds: COMMIT with export-subst applied.
      execFileSync('sh', ['-c', `git -C "${root}" archive HEAD COMMIT | tar -x -C "${dir}"`])
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' })
      const info = buildInfoIn(dir)
      expect(info).toMatch(new RegExp(`^container-hooks-docker ${version} \\(([0-9a-f]{7,})\\)$`))
      expect(head.startsWith(/\(([0-9a-f]+)\)/.exec(info)?.[1] ?? '-')).toBe(true)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('says "unknown commit" with neither git nor an archived COMMIT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'build-info-'))
    try {
      cpSync(join(root, 'COMMIT'), join(dir, 'COMMIT'))
      expect(buildInfoIn(dir)).toBe(`container-hooks-docker ${version} (unknown commit)`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
