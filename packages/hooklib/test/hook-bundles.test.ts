/**
 * The shipped bundles (built by `npm run build`) against the runner's contract for bad input:
 * one `::error::` line naming the problem, a non-zero exit, no stack; and one clear line on a
 * Node too old to run them.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '../../..')
const nodeOf = (major: number): string =>
  execFileSync(join(root, 'scripts/node'), [String(major)], { encoding: 'utf8' }).trim()

const badInputs: Array<[string, string, RegExp]> = [
  ['empty stdin', '', /stdin was empty/],
  ['non-JSON', 'not json', /not JSON/],
  [
    'an unknown command',
    JSON.stringify({ command: 'dance', responseFile: '/tmp/r', args: {}, state: null }),
    /command: expected one of .*got "dance"/
  ],
  [
    'a missing field',
    JSON.stringify({
      command: 'run_script_step',
      responseFile: '/tmp/r',
      args: { entryPoint: 'sh', entryPointArgs: [], environmentVariables: {}, prependPath: [] },
      state: null
    }),
    /args\.workingDirectory: expected a string, got missing/
  ]
]

describe.each(['docker', 'k8s'])('the %s bundle', name => {
  const bundle = join(root, 'packages', name, 'dist/index.js')

  beforeAll(() => {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`)
  })

  it.each(badInputs)('rejects %s with one error line on Node 24', (_what, stdin, message) => {
    const run = spawnSync(nodeOf(24), [bundle], { input: stdin, encoding: 'utf8', timeout: 30000 })
    const lines = run.stdout.split('\n').filter(Boolean)
    expect(lines.filter(l => l.startsWith('::error::'))).toHaveLength(1)
    expect(run.stdout).toMatch(message)
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /)
    expect(run.status).not.toBe(0)
  })

  it('refuses an old Node with one clear line', () => {
    const run = spawnSync(nodeOf(16), [bundle], { input: '{}', encoding: 'utf8', timeout: 30000 })
    expect(run.stdout.trim()).toMatch(
      /^::error::This container hook needs Node\.js 20 or newer; it was started with Node\.js 16\./
    )
    expect(run.status).toBe(1)
  })
})
