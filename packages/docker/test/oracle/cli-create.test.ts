/**
 * The Docker CLI is the oracle for `options:`: every case is given to the installed
 * `docker create` (the CLI the project's scripts install: Debian's docker.io, /usr/bin/docker)
 * talking to a recording stand-in engine, and to our mapping; the bodies must match field by
 * field. Malformed values must fail in both. Every flag `docker create --help` lists needs a case.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parseCreateFlags, splitOptionWords } from '@container-hooks/hooklib'
import { proxyEnv } from '../../src/specs/docker-config'
import { dockerOptions, type OptionsContext } from '../../src/specs/options'
import { startCliRecorder, type CliRecorder } from '../support/cli-recorder'
import { ORACLE_CASES, ORACLE_ERRORS } from './cases'
import { normalise } from './normalise'

const CLI = '/usr/bin/docker'
const run = promisify(execFile)

let dir: string
let recorder: CliRecorder
let env: NodeJS.ProcessEnv

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(
      `${CLI} is missing: the oracle is the Docker CLI of Debian's docker.io, which scripts/docker/up installs`
    )
  dir = mkdtempSync(join(tmpdir(), 'cli-oracle-'))
  writeFileSync(
    join(dir, 'env.list'),
    '# comment\nFROM_FILE=1\n  SPACED=x y\nTESTVAR\nUNSET_VAR\nA=from-file\n'
  )
  writeFileSync(join(dir, 'labels.list'), 'team=ci\nTESTVAR\n\nempty=\n')
  writeFileSync(
    join(dir, 'seccomp.json'),
    '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [ ]\n}\n'
  )
  // The CLI adds these to every container it creates; so must we.
  const proxies = { default: { httpProxy: 'http://proxy:3128', noProxy: 'localhost,.internal' } }
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ proxies }))
  recorder = await startCliRecorder(join(dir, 'engine.sock'))
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    DOCKER_CONFIG: dir,
    DOCKER_HOST: `unix://${join(dir, 'engine.sock')}`,
    TESTVAR: 'from-client-env'
  }
})

afterAll(async () => {
  await recorder?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const withDir = (s: string): string => s.replaceAll('@DIR@', dir)

const context = (): OptionsContext => ({
  env,
  readFile: p => readFileSync(p, 'utf8'),
  proxies: proxyEnv(
    readFileSync(join(dir, 'config.json'), 'utf8'),
    'config.json',
    env.DOCKER_HOST ?? ''
  )
})

/** What the CLI sent for these options, or its error output when it refused them. */
async function cli(
  options: string
): Promise<{ url?: string; body?: Record<string, unknown>; stderr: string }> {
  rmSync(join(dir, 'cid'), { force: true })
  const before = recorder.creates.length
  const words = splitOptionWords(withDir(options), 'options')
  try {
    const { stderr } = await run(CLI, ['create', ...words, 'alpine'], { env, cwd: dir })
    const recorded = recorder.creates.slice(before)
    return { ...recorded.at(-1), stderr }
  } catch (err) {
    return { stderr: String((err as { stderr?: string }).stderr ?? err) }
  }
}

describe('docker create flags against the installed Docker CLI', () => {
  test('the CLI is the one the project installs (20.10, Debian)', async () => {
    const { stdout } = await run(CLI, ['--version'], { env })
    expect(stdout).toMatch(/^Docker version 20\.10\./)
  })

  test.each(ORACLE_CASES.map(c => [c]))('%s', async options => {
    const recorded = await cli(options)
    const ours = dockerOptions(withDir(options), 'options', context())
    if (options === '--help') {
      expect(recorded.body).toBeUndefined()
      expect(ours.ignored).toEqual(['--help'])
      return
    }
    expect(recorded.stderr).not.toMatch(/error|invalid/i)
    expect(normalise(ours.body)).toEqual(normalise(recorded.body ?? {}))
    const platform = new URL(recorded.url ?? '/', 'http://x').searchParams.get('platform')
    expect(ours.platform ?? null).toBe(platform)
  })

  test.each(ORACLE_ERRORS.map(([o, m]) => [o, m]))(
    '%s is refused by both',
    async (options, message) => {
      const recorded = await cli(options)
      expect(recorded.body).toBeUndefined()
      expect(() => dockerOptions(withDir(options), 'options', context())).toThrow(
        `options: ${withDir(message)}`
      )
    }
  )

  test('every flag `docker create --help` lists has a case', async () => {
    const { stdout } = await run(CLI, ['create', '--help'], { env })
    const listed = [...stdout.matchAll(/^\s+(?:-\w, )?--([a-z0-9-]+)/gm)].map(m => m[1])
    expect(listed.length).toBeGreaterThan(80)
    const covered = new Set(
      ORACLE_CASES.flatMap(c => parseCreateFlags(withDir(c), 'options').flags.map(f => f.name))
    )
    expect(listed.filter(flag => !covered.has(flag))).toEqual([])
  })
})
