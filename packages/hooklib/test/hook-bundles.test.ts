/**
 * The shipped bundles (built by `npm run build`) against the runner's contract for bad input:
 * one `::error::` line naming the problem, a non-zero exit, no stack; one clear line on a Node
 * too old to run them; and each runs as ONE file with nothing beside it: on both of the runner's
 * Nodes for hooks, its default Node 20 and its Node 24 (pinned by scripts/node).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleIdentity } from './fixtures/bundle-identity'

const root = join(__dirname, '../../..')
const nodeOf = (major: number): string =>
  execFileSync(join(root, 'scripts/node'), [String(major)], { encoding: 'utf8' }).trim()

// A command that loads the hook's whole command path (engine or API client) and then fails to
// connect: the bundle must get that far with no node_modules anywhere up its folder tree.
const unreachable: Record<string, { env: (dir: string) => NodeJS.ProcessEnv; message: RegExp }> = {
  docker: {
    env: dir => ({ DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}`, RUNNER_NAME: 'lone' }),
    message: /^::error::Cannot reach the Docker engine at unix:\/\/.*no-engine\.sock/
  },
  k8s: {
    env: dir => {
      const kubeconfig = join(dir, 'kubeconfig')
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'current-context: c',
          'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]',
          'users: [{ name: u, user: { token: t } }]',
          'contexts: [{ name: c, context: { cluster: c, user: u } }]'
        ].join('\n')
      )
      return { KUBECONFIG: kubeconfig, ACTIONS_RUNNER_POD_NAME: 'lone' }
    },
    message: /^::error::Cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1/
  }
}

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

const runnerNodes = [20, 24]

describe.each(['docker', 'k8s'])('the %s bundle', name => {
  const bundle = join(root, 'packages', name, 'dist/index.js')

  beforeAll(() => {
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`)
  })

  describe.each(runnerNodes)('on Node %i', major => {
    it.each(badInputs)('rejects %s with one error line', (_what, stdin, message) => {
      const run = spawnSync(nodeOf(major), [bundle], {
        input: stdin,
        encoding: 'utf8',
        timeout: 30000
      })
      const lines = run.stdout.split('\n').filter(Boolean)
      expect(lines.filter(l => l.startsWith('::error::'))).toHaveLength(1)
      expect(run.stdout).toMatch(message)
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /)
      expect(run.status).not.toBe(0)
    })
  })

  it('refuses an old Node with one clear line', () => {
    const run = spawnSync(nodeOf(16), [bundle], { input: '{}', encoding: 'utf8', timeout: 30000 })
    expect(run.stdout.trim()).toMatch(
      /^::error::This container hook needs Node\.js 20 or newer; it was started with Node\.js 16\./
    )
    expect(run.status).toBe(1)
  })

  it('says what it is: --version, and the first debug line of every command', () => {
    const version = spawnSync(nodeOf(24), [bundle, '--version'], { encoding: 'utf8' })
    expect(version.stdout).toMatch(bundleIdentity(name))
    expect(version.status).toBe(0)
    const identity = version.stdout.trim()
    const run = spawnSync(nodeOf(24), [bundle], {
      input: '',
      env: { PATH: process.env.PATH, RUNNER_DEBUG: '1' },
      encoding: 'utf8',
      timeout: 30000
    })
    expect(run.stdout.split('\n')[0]).toBe(`::debug::${identity}`)
  })

  it("requires nothing but Node's own modules, not even optional ones", () => {
    // The hook's code sits in the bundle as a JSON string: its quotes are escaped there.
    const required = [...readFileSync(bundle, 'utf8').matchAll(/require\(\\?"([^"\\]+)\\?"\)/g)]
    const names = new Set(required.map(m => m[1].replace(/^node:/, '')))
    expect(names.size).toBeGreaterThan(3)
    // A try/catch require of an optional package still makes Node search every node_modules
    // above the bundle at each start, and load the package wherever one is found.
    expect([...names].filter(n => !builtinModules.includes(n))).toEqual([])
  })

  it.each(runnerNodes)('runs as one file with nothing beside it on Node %i', major => {
    const dir = mkdtempSync(join(tmpdir(), `lone-${name}-`))
    try {
      const lone = join(dir, 'index.js')
      copyFileSync(bundle, lone)
      const { env, message } = unreachable[name]
      const run = spawnSync(nodeOf(major), [lone], {
        input: JSON.stringify({
          command: 'cleanup_job',
          responseFile: join(dir, 'response.json'),
          args: {},
          state: null
        }),
        cwd: dir,
        env: { PATH: process.env.PATH, ...env(dir) },
        encoding: 'utf8',
        timeout: 30000
      })
      expect(run.stderr).not.toMatch(/Cannot find module|MODULE_NOT_FOUND/)
      expect(run.stdout.trim()).toMatch(message)
      expect(run.status).toBe(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
