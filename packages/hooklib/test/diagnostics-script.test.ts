// The diagnostics run in a REAL local sh against the host's /proc, as they do in a debug
// container that shares the job's PID and network namespaces.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DIAGNOSTICS_NAME, diagnosticsCommand } from '../src'

/** Runs detached (its own session, as the debug container's process is), collects stdout. */
function runDiagnostics(dir: string, work: string): Promise<{ code: number | null; out: string }> {
  const [cmd, ...args] = diagnosticsCommand(dir, work)
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => (out += c.toString()))
  return new Promise(resolve => child.on('close', code => resolve({ code, out })))
}

function section(out: string, title: string): string {
  const start = out.indexOf(`### ${title}`)
  expect(start).toBeGreaterThanOrEqual(0)
  const end = out.indexOf('\n### ', start + 4)
  return out.slice(start, end < 0 ? undefined : end)
}

describe('diagnosticsCommand', () => {
  const work = mkdtempSync(join(tmpdir(), 'diag-work-'))
  const dir = join(work, 'repo/repo')
  let sleeper: ChildProcess
  let server: Server
  let result: { code: number | null; out: string }

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'build.log'), 'x'.repeat(5000))
    sleeper = spawn('sleep', ['987'])
    server = createServer()
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    result = await runDiagnostics(dir, work)
  })

  afterAll(() => {
    sleeper.kill()
    server.close()
  })

  test('exits 0 and prints every section', () => {
    expect(result.code).toBe(0)
    for (const title of [
      'Processes',
      `Working directory of the step: ${dir}`,
      `Disk use of ${work}`,
      'Memory of the node',
      'Listening TCP ports'
    ])
      section(result.out, title)
  })

  test('the process tree shows other processes with state and memory, not its own', () => {
    const procs = section(result.out, 'Processes')
    expect(procs).toMatch(
      new RegExp(`\\n +${sleeper.pid} +${process.pid} +sleeping +\\d+kB +.*sleep 987\\n`)
    )
    // The sleep is a child of this test's process: it is drawn under it.
    expect(procs).toMatch(
      new RegExp(`\\n +${process.pid} .*\\n(.*\\n)*? +${sleeper.pid} .*\\\\_ sleep 987`)
    )
    expect(procs).not.toContain(DIAGNOSTICS_NAME)
  })

  test('lists the working directory and the work folder’s disk use', () => {
    expect(section(result.out, 'Working directory')).toContain('build.log')
    expect(section(result.out, 'Disk use')).toMatch(new RegExp(`\\d+\\s+${work}/repo\\n`))
  })

  test('finds the listening port and its process', () => {
    const port = (server.address() as { port: number }).port
    expect(section(result.out, 'Listening TCP ports')).toContain(
      `127.0.0.1:${port} (pid ${process.pid})`
    )
  })

  test('a missing working directory is said, not an error', async () => {
    const missing = await runDiagnostics(join(work, 'nope'), work)
    expect(missing.code).toBe(0)
    expect(section(missing.out, 'Working directory')).toContain('(does not exist)')
  })
})
