// The spool of a script step (specs/step-spool.ts) run by REAL local shells, dash and busybox ash,
// as in a Debian or a busybox job image: segments, offsets, re-attach, prune.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stepEnvScript, wrapperCommand } from '../../src/specs/exec-wrapper'
import {
  PRUNE_EVERY,
  pruneCommand,
  pruneDue,
  reattachCommand,
  reattachMode
} from '../../src/specs/step-spool'

const END = 'end-of-env-test'
const root = mkdtempSync(join(tmpdir(), 'spool-test-'))
let steps = 0

interface Ran {
  code: number | null
  signal: NodeJS.Signals | null
  out: Buffer
  err: Buffer
}

function collect(child: ChildProcess): Promise<Ran> {
  const out: Buffer[] = []
  const err: Buffer[] = []
  child.stdout!.on('data', (c: Buffer) => out.push(c))
  child.stderr!.on('data', (c: Buffer) => err.push(c))
  return new Promise(resolve =>
    child.on('close', (code, signal) =>
      resolve({ code, signal, out: Buffer.concat(out), err: Buffer.concat(err) })
    )
  )
}

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')

const which = (tool: string): string =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim()

// Busybox ash finds its own applets (dd, head, …) whatever the PATH.
describe.each([
  ['dash', [which('dash')], 'status'],
  ['busybox ash', [which('busybox'), 'sh'], 'spool']
])('under %s', (_name, shell, withoutPath) => {
  const start = (script: string, env: NodeJS.ProcessEnv = { PATH: process.env.PATH }) => {
    const stepId = `step${++steps}`
    const [, ...argv] = wrapperCommand({
      endMarker: END,
      stepId,
      entryPoint: 'sh',
      args: ['-c', script],
      spoolRoot: root
    })
    const child = spawn(shell[0], [...shell.slice(1), ...argv], { env })
    const envScript = stepEnvScript({ stepId, env: {}, prependPath: [], workingDirectory: '/' })
    child.stdin.end(`${envScript}${END}\n`)
    return { stepId, child, done: collect(child) }
  }
  const reattach = (stepId: string, out: number, err: number): Promise<Ran> => {
    const [, ...argv] = reattachCommand(stepId, { out, err }, root)
    return collect(spawn(shell[0], [...shell.slice(1), ...argv]))
  }
  const pidLine = (err: Buffer): string => err.toString().split('\n')[0]
  const withoutPid = (err: Buffer): Buffer => err.subarray(pidLine(err).length + 1)

  // 20 MiB of stdout: two segments (16 MiB at most each), both streams, the step's exit code.
  const BIG = 'yes 0123456789abcdef | head -c 20971520; echo oops >&2; echo done >&2; exit 7'
  const bigOut = Buffer.from('0123456789abcdef\n'.repeat(20971520 / 17 + 1)).subarray(0, 20971520)

  test('keeps output, segments and exit status; a re-attach resumes at any byte', async () => {
    const { stepId, done } = start(BIG)
    const run = await done
    expect(run.code).toBe(7)
    expect(md5(run.out)).toBe(md5(bigOut))
    expect(withoutPid(run.err).toString()).toBe('oops\ndone\n')
    const dir = join(root, stepId)
    expect(readFileSync(join(dir, 'status'), 'utf8')).toBe('7\n')
    const idx = readFileSync(join(dir, 'out.idx'), 'utf8').trim().split('\n')
    expect(idx.length).toBeGreaterThanOrEqual(2)
    expect(idx.map(l => Number(l.split(' ')[1])).reduce((a, b) => a + b)).toBe(bigOut.length)
    const first = Number(idx[0].split(' ')[1])
    for (const at of [0, 1, first - 1, first, first + 12345, bigOut.length]) {
      const again = await reattach(stepId, at, 5)
      expect(again.code).toBe(7)
      expect(md5(again.out)).toBe(md5(bigOut.subarray(at)))
      expect(again.err.toString()).toBe('container-hooks-reattach:spool\ndone\n')
    }
    // The last re-attach had everything up to the end: every full segment is pruned.
    expect(existsSync(join(dir, 'out.0'))).toBe(false)
  }, 60_000)

  test('a re-attach replaces a stuck reader, and the output joins up exactly', async () => {
    const expected = Buffer.from(Array.from({ length: 6000 }, (_, i) => `${i + 1}\n`).join(''))
    const { stepId, child, done } = start('seq 1 3000; sleep 1; seq 3001 6000; exit 7')
    let got = Buffer.alloc(0)
    await new Promise<void>(resolve =>
      child.stdout.on('data', (c: Buffer) => {
        got = Buffer.concat([got, c])
        if (got.includes('\n1\n') || got.length > 100) resolve()
      })
    )
    // The stale reader can no longer write (as when containerd stops reading a dropped exec).
    child.kill('SIGSTOP')
    const before = Buffer.from(got)
    const again = await reattach(stepId, before.length, 0)
    expect(again.code).toBe(7)
    expect(Buffer.concat([before, again.out]).equals(expected)).toBe(true)
    expect((await done).signal).toBe('SIGKILL')
  }, 30_000)

  test('without dd on the PATH only the exit status is kept; an unknown step has nothing', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'spool-bin-'))
    for (const tool of ['sh', 'mkdir', 'sleep']) symlinkSync(which(tool), join(bin, tool))
    const { stepId, child, done } = start('echo hi; sleep 1; exit 3', { PATH: bin })
    await new Promise(resolve => child.stdout.once('data', resolve))
    const again = await reattach(stepId, 0, 0)
    expect(again.err.toString()).toBe(`container-hooks-reattach:${withoutPath}\n`)
    expect(again.out.toString()).toBe(withoutPath === 'spool' ? 'hi\n' : '')
    expect(again.code).toBe(3)
    expect((await done).out.toString()).toBe('hi\n')
    const none = await reattach('no-such-step', 0, 0)
    expect(none.err.toString()).toBe('container-hooks-reattach:none\n')
  }, 30_000)
})

test('pruneCommand removes the segments wholly delivered, and nothing else', () => {
  const dir = join(root, 'pruned')
  mkdirSync(dir)
  spawnSync('sh', [
    '-c',
    'cd "$1" && for n in 0 1 2; do : > out.$n; done && printf "0 10\\n1 10\\n" > out.idx && : > err.idx',
    'x',
    dir
  ])
  const [cmd, ...argv] = pruneCommand('pruned', { out: 19, err: 0 }, root)
  expect(spawnSync(cmd, argv).status).toBe(0)
  expect(['out.0', 'out.1', 'out.2'].map(f => existsSync(join(dir, f)))).toEqual([
    false,
    true,
    true
  ])
})

test('pruneDue: once per PRUNE_EVERY bytes delivered', () => {
  expect(pruneDue(PRUNE_EVERY - 1, 0)).toBe(false)
  expect(pruneDue(PRUNE_EVERY, 0)).toBe(true)
  expect(pruneDue(PRUNE_EVERY + 5, PRUNE_EVERY)).toBe(false)
  expect(pruneDue(3 * PRUNE_EVERY, PRUNE_EVERY + 1)).toBe(true)
})

test('reattachMode reads the mode a re-attach announced', () => {
  expect(reattachMode('spool')).toBe('spool')
  expect(reattachMode('status')).toBe('status')
  expect(reattachMode('none')).toBe('none')
  expect(reattachMode(undefined)).toBeUndefined()
  expect(reattachMode('1234')).toBeUndefined()
})
