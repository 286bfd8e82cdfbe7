import { execFileSync } from 'node:child_process'
import { dirname, join, relative, resolve } from 'node:path'
import { JOBS_DIR, emulatorVersion } from '../src/package-files'
import { runConformanceJob } from '../src'
import { main, resolveJob } from '../src/cli'
import { CACHE, jobFile } from './helpers'

jest.setTimeout(30_000)

const ROOT = resolve(__dirname, '../../..')
const EXAMPLE = join(ROOT, 'examples/custom-hook')
const HOOK = join(EXAMPLE, 'dist/index.js')

beforeAll(() => {
  // The example is bundled exactly as our own hooks are: one self-contained file.
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), EXAMPLE], { stdio: 'inherit' })
})

describe('the custom-hook example, end to end', () => {
  it('passes its own conformance job: host script steps, file commands, exit codes, state', async () => {
    let log = ''
    const { problems, result } = await runConformanceJob(join(EXAMPLE, 'job.yaml'), {
      hook: HOOK,
      cacheDir: CACHE,
      write: t => (log += t)
    })
    expect(problems).toEqual([])
    expect(result.steps.map(s => s.result)).toEqual(['success', 'success', 'failure', 'skipped'])
    expect(result.steps[2].exitCode).toBe(3)
    expect(result.steps[2].errors).toContain('The step exited with code 3')
    // The hook's state: the path map from prepare_job, and a step counter its step responses bump.
    expect(result.cleanup?.input?.state).toMatchObject({
      image: 'any/image:ignored-by-this-hook',
      steps: 2
    })
    expect(log).toContain('tool ran')
  })

  it('reports a job it cannot run with one clear error line', async () => {
    const job = jobFile(
      'steps:\n  - uses: docker://container-hooks-test/busybox:1\n    expect: { result: failure }\n'
    )
    const { problems, result } = await runConformanceJob(job, {
      hook: HOOK,
      cacheDir: CACHE,
      write: () => undefined
    })
    expect(problems).toEqual([])
    expect(result.steps[0].errors[0]).toMatch(/This hook runs no containers/)
  })
})

describe('the emulator CLI', () => {
  const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
    let out = ''
    const code = await main(args, t => (out += t))
    return { code, out }
  }

  it('exits 0 when every expectation holds, 1 when one does not', async () => {
    const failing = jobFile(
      'container: { image: x }\nsteps:\n  - run: echo hi\n    expect: { stdout-contains: [bye], exit-code: 1 }\n'
    )
    // A relative --hook is the caller's path, not the job's workspace's.
    const ok = await cli(join(EXAMPLE, 'job.yaml'), '--hook', relative(process.cwd(), HOOK))
    expect(ok.code).toBe(0)
    expect(ok.out).toMatch(/^job: failure in [\d.]+s$/m)
    expect(ok.out).toContain(`PASS ${join(EXAMPLE, 'job.yaml')}`)
    const bad = await cli(failing, '--hook', HOOK, '--work-dir', join(dirname(failing), 'work'))
    expect(bad.code).toBe(1)
    expect(bad.out).toContain(
      '::error::' + failing + ': step 1 (Run echo hi): exit code is 0, expected 1'
    )
    expect(bad.out).toContain('output does not contain "bye"')
    expect(bad.out).toContain(`FAIL ${failing}`)
  })

  it('names a bad job file, a missing hook and bad usage', async () => {
    const invalid = jobFile('steps:\n  - run: 1\n    shell: zsh\n', 'invalid.yaml')
    const dir = dirname(invalid)
    const r = await cli(invalid, join(dir, 'missing.yaml'), '--hook', HOOK)
    expect(r.code).toBe(1)
    expect(r.out).toMatch(
      /::error::.*invalid.yaml is not a valid job: steps.0.run: Invalid input: expected string, received number; steps.0.shell: Invalid option/
    )
    expect(r.out).toContain(`::error::Job file not found: ${join(dir, 'missing.yaml')}`)
    expect((await cli(join(EXAMPLE, 'job.yaml'), '--hook', join(dir, 'nohook.js'))).out).toContain(
      'Hook file not found'
    )
    expect((await cli('--hook', HOOK)).code).toBe(2)
    expect((await cli('x.yaml', '--bogus')).out).toContain('usage: container-hooks-emulator')
  })

  it('finds a shipped job by its name', () => {
    expect(resolveJob('hello')).toBe(join(JOBS_DIR, 'hello.yaml'))
    expect(resolveJob('hello.yaml')).toBe(join(JOBS_DIR, 'hello.yaml'))
    expect(resolveJob('my/hello.yaml')).toBe('my/hello.yaml')
    expect(resolveJob('nope')).toBe('nope')
  })

  it('prints its help and version', async () => {
    const help = await cli('--help')
    expect(help.code).toBe(0)
    expect(help.out).toContain('--hook PATH')
    expect(help.out).toContain('build-images')
    expect(help.out).toContain('hello, js-action')
    const version = await cli('--version')
    expect(version).toEqual({ code: 0, out: `container-hooks-emulator ${emulatorVersion()}\n` })
  })
})
