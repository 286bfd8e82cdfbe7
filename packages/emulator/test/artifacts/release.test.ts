/**
 * What scripts/release produces, used the way an admin and a hook author get it, OUTSIDE the
 * repository: each hook zip unpacked into an empty folder and run through conformance jobs (the
 * Docker hook on the real engine, the Kubernetes hook on the local cluster), and the npm
 * tarballs installed into an empty project, where a custom hook is compiled with tsc against
 * the installed hooklib, bundled, and checked with the installed emulator's bin.
 * Needs: eval "$(scripts/infra/env)"; eval "$(scripts/k8s/env)" (scripts/test-all does both).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  REPO_VERSION as VERSION,
  bundleIdentity
} from '../../../hooklib/test/fixtures/bundle-identity'

jest.setTimeout(900_000)

const ROOT = join(__dirname, '../../../..')
const NODE24 =
  process.env.HOOKS_NODE24 ??
  execFileSync(join(ROOT, 'scripts/node24'), { encoding: 'utf8' }).trim()
const outside = mkdtempSync(join(tmpdir(), 'container-hooks-release-'))
const out = join(outside, 'artifacts')
const project = join(outside, 'project')

/** Runs a command; its output, and a thrown error with all of it when it fails. */
function sh(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}
): string {
  const run = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: process.env,
    ...options,
    maxBuffer: 64 << 20
  })
  const text = `${run.stdout}${run.stderr}`
  if (run.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${run.status}:\n${text}`)
  return text
}

/** The installed emulator's bin, through npx, in the user's project. */
const emulator = (...args: string[]): string =>
  sh('npx', ['--no-install', 'container-hooks-emulator', ...args], { cwd: project })

function unzip(name: string): string {
  const dir = mkdtempSync(join(outside, `${name}-`))
  sh('unzip', ['-q', join(out, `container-hooks-${name}-${VERSION}.zip`), '-d', dir])
  return dir
}

beforeAll(() => {
  sh(join(ROOT, 'scripts/release'), ['--allow-dirty', out], { cwd: ROOT })
  // A user's empty project: the two tarballs, TypeScript and a bundler, from the registry.
  mkdirSync(project)
  sh('npm', ['init', '-y'], { cwd: project })
  sh(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(out, `container-hooks-hooklib-${VERSION}.tgz`),
      join(out, `container-hooks-emulator-${VERSION}.tgz`),
      'typescript@5.9',
      '@types/node@20',
      'esbuild@0.28'
    ],
    { cwd: project }
  )
})

afterAll(() => rmSync(outside, { recursive: true, force: true }))

describe('scripts/release', () => {
  it('builds the two zips, the npm tarballs and SHA256SUMS over them', () => {
    expect(readdirSync(out).sort()).toEqual(
      [
        'SHA256SUMS',
        `container-hooks-docker-${VERSION}.zip`,
        `container-hooks-emulator-${VERSION}.tgz`,
        `container-hooks-hooklib-${VERSION}.tgz`,
        `container-hooks-k8s-${VERSION}.zip`
      ].sort()
    )
    expect(sh('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out }).trim().split('\n')).toHaveLength(4)
  })

  it.each(['docker', 'k8s'])(
    'puts index.js at the root of the %s zip, and it knows its version',
    name => {
      const dir = unzip(name)
      expect(readdirSync(dir).sort()).toEqual(['LICENSE', 'index.js'])
      expect(sh(NODE24, [join(dir, 'index.js'), '--version'])).toMatch(bundleIdentity(name))
    }
  )

  it('ships a Docker hook that passes every conformance job on the real engine', () => {
    const dir = unzip('docker')
    const log = emulator('--conformance', '--hook', join(dir, 'index.js'), '--node', NODE24)
    expect(log.match(/^PASS /gm)).toHaveLength(
      readdirSync(join(ROOT, 'packages/emulator/jobs')).length
    )
  })

  it('ships a Kubernetes hook that runs a job on the cluster (ARC volume mode)', () => {
    const workDir = process.env.HOOKS_K8S_WORK_DIR
    if (!workDir) throw new Error('HOOKS_K8S_WORK_DIR is not set: eval "$(scripts/k8s/env)"')
    const dir = unzip('k8s')
    // The cluster's runner pod is shared: one job at a time on it (docs/development.md). A run
    // already under the lock says so (HOOKS_TESTS_LOCK_HELD=1); a lock never freed fails here.
    const lock =
      process.env.HOOKS_TESTS_LOCK_HELD === '1'
        ? []
        : ['flock', '--timeout', '900', '/tmp/hooks-cluster-tests.lock']
    const log = sh(
      'env',
      [
        ...lock,
        'npx',
        '--no-install',
        'container-hooks-emulator',
        'hello',
        'outputs',
        '--hook',
        join(dir, 'index.js'),
        '--node',
        NODE24,
        '--work-dir',
        workDir
      ],
      { cwd: project }
    )
    expect(log.match(/^PASS /gm)).toHaveLength(2)
  })
})

describe('the npm packages, installed into an empty project', () => {
  it('hold what a user needs and nothing of the repository', () => {
    const lib = join(project, 'node_modules/@container-hooks/hooklib')
    for (const file of ['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts'])
      expect([file, existsSync(join(lib, file))]).toEqual([file, true])
    expect(existsSync(join(lib, 'src'))).toBe(false)
    expect(existsSync(join(lib, 'dist/emulator'))).toBe(false)
    const emu = join(project, 'node_modules/@container-hooks/emulator')
    for (const file of ['README.md', 'LICENSE', 'jobs/hello.yaml', 'images/busybox/Dockerfile'])
      expect([file, existsSync(join(emu, file))]).toEqual([file, true])
  })

  it('give an emulator bin with --help and --version', () => {
    expect(emulator('--version')).toBe(`container-hooks-emulator ${VERSION}\n`)
    expect(emulator('--help')).toContain('--hook PATH')
  })

  it("build the conformance jobs' images on the user's engine with one command", () => {
    // Under a name of its own: container-hooks-test/* is what the other suites run right now.
    const prefix = `container-hooks-build-images-${process.pid}/`
    const images = ['busybox', 'node', 'service', 'unhealthy'].map(name => `${prefix}${name}:1`)
    try {
      // Nothing can be pulled here: the bases are this repository's own test images.
      emulator(
        'build-images',
        '--prefix',
        prefix,
        '--base',
        'container-hooks-test/busybox:1',
        '--node-base',
        'container-hooks-test/node:1'
      )
      const health = sh('docker', [
        'image',
        'inspect',
        '-f',
        '{{json .Config.Healthcheck.Test}}',
        images[2]
      ])
      expect(health).toContain('test -f /tmp/ready')
      expect(sh('docker', ['run', '--rm', images[0], 'echo', 'built'])).toBe('built\n')
    } finally {
      spawnSync('docker', ['rmi', '-f', ...images])
    }
  })

  it('compile a custom hook with tsc against the installed hooklib; bundled, it passes its job', () => {
    const example = join(ROOT, 'examples/custom-hook')
    cpSync(join(example, 'src'), join(project, 'src'), { recursive: true })
    cpSync(join(example, 'job.yaml'), join(project, 'job.yaml'))
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          outDir: 'build',
          types: ['node']
        },
        include: ['src']
      })
    )
    sh(join(project, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: project })
    sh(
      join(project, 'node_modules/.bin/esbuild'),
      [
        'build/index.js',
        '--bundle',
        '--platform=node',
        '--target=node20',
        '--outfile=dist/index.js'
      ],
      { cwd: project }
    )
    const log = emulator('job.yaml', '--hook', 'dist/index.js', '--node', NODE24)
    expect(log).toContain('PASS job.yaml')
  })
})
