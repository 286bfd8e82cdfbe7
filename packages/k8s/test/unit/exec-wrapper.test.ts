// The wrapper and the env script run in a REAL local sh, as they would in the job container.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { killStepCommand, stepEnvScript, wrapperCommand } from '../../src/specs/exec-wrapper'
import { waitFor } from '../support/wait'

const END = 'end-of-env-test'
const spoolRoot = mkdtempSync(join(tmpdir(), 'spool-'))
const wrapped = (entryPoint: string, args: string[], stepId = 's'): string[] =>
  wrapperCommand({ endMarker: END, stepId, entryPoint, args, spoolRoot })

function runWrapped(entry: string, args: string[], script: string, stdinTail = `${END}\n`) {
  const [cmd, ...argv] = wrapped(entry, args, `s${Math.random().toString(16).slice(2)}`)
  return spawnSync(cmd, argv, {
    input: script + stdinTail,
    encoding: 'utf8',
    env: { PATH: process.env.PATH }
  })
}

describe('step env over stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wrapper-'))
  const tricky = `it's "quoted" $HOME \`x\` \\ \n second line`

  test('exports env (odd names too), prepends PATH, enters the working dir, keeps argv', () => {
    const script = stepEnvScript({
      stepId: 'step1',
      env: { PLAIN: 'v', TRICKY: tricky, 'INPUT_GITHUB-TOKEN': 'tok en' },
      prependPath: ['/opt/a', '/opt/b'],
      workingDirectory: dir
    })
    const result = runWrapped(
      'sh',
      [
        '-c',
        'printf "%s|" "$PLAIN" "$TRICKY" "$PWD" "${PATH%%:*}" "$CONTAINER_HOOKS_STEP" "$1"',
        'arg0',
        'one arg'
      ],
      script
    )
    expect(result.stderr).toMatch(/^container-hooks-step-pid:\d+\n$/)
    expect(result.stdout).toBe(`v|${tricky}|${dir}|/opt/a|step1|one arg|`)
    expect(result.status).toBe(0)
    // sh itself drops names it cannot hold; a program such as node (JavaScript actions) gets them.
    expect(runWrapped('env', [], script).stdout).toContain('\nINPUT_GITHUB-TOKEN=tok en\n')
  })

  test('secrets are not on any command line', () => {
    const script = stepEnvScript({
      stepId: 's',
      env: { SECRET: 'hunter2-secret' },
      prependPath: [],
      workingDirectory: dir
    })
    const result = runWrapped(
      'sh',
      ['-c', 'cat /proc/$$/cmdline /proc/$PPID/cmdline | tr "\\0" " "'],
      script
    )
    expect(result.stdout).not.toContain('hunter2-secret')
    expect(wrapped('sh', []).join(' ')).not.toContain('hunter2')
  })

  test('the exit code is the step’s own', () => {
    const script = stepEnvScript({ stepId: 's', env: {}, prependPath: [], workingDirectory: dir })
    expect(runWrapped('sh', ['-c', 'exit 3'], script).status).toBe(3)
  })

  test('the step does not read the env script as its stdin', () => {
    const script = stepEnvScript({ stepId: 's', env: {}, prependPath: [], workingDirectory: dir })
    const result = runWrapped('sh', ['-c', 'cat; echo done'], script, `${END}\nleftover\n`)
    expect(result.stdout).toBe('done\n')
  })

  test('a cut-short env script fails before the step runs', () => {
    const script = stepEnvScript({
      stepId: 's',
      env: { A: 'b' },
      prependPath: [],
      workingDirectory: dir
    })
    const result = runWrapped('sh', ['-c', 'echo ran'], script, '')
    expect(result.status).toBe(125)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('the step environment did not arrive')
  })

  test('a missing working directory is a clear failure', () => {
    const script = stepEnvScript({
      stepId: 's',
      env: {},
      prependPath: [],
      workingDirectory: join(dir, 'nope')
    })
    const result = runWrapped('sh', ['-c', 'echo ran'], script)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('cannot enter the working directory')
  })
})

describe('killStepCommand', () => {
  /** The command lines of the processes carrying the step's env marker, sorted. */
  const stepCommands = (marker: string): string =>
    spawnSync(
      'sh',
      [
        '-c',
        `for f in $(grep -laF "CONTAINER_HOOKS_STEP=${marker}" /proc/[0-9]*/environ 2>/dev/null); do tr '\\0' ' ' <"\${f%environ}cmdline"; echo; done | sort`
      ],
      { encoding: 'utf8' }
    ).stdout

  async function startStep(
    marker: string
  ): Promise<{ pid: number; exited: Promise<NodeJS.Signals | null> }> {
    const script = stepEnvScript({
      stepId: marker,
      env: {},
      prependPath: [],
      workingDirectory: tmpdir()
    })
    const [cmd, ...argv] = wrapped(
      'sh',
      ['-c', 'sleep 300 & (sleep 301; echo never) & wait'],
      marker
    )
    const step = spawn(cmd, argv, { stdio: ['pipe', 'ignore', 'pipe'] })
    step.stdin.end(`${script}${END}\n`)
    const exited = new Promise<NodeJS.Signals | null>(resolve =>
      step.on('exit', (_code, signal) => resolve(signal))
    )
    const firstLine = await new Promise<string>(resolve =>
      step.stderr.once('data', (chunk: Buffer) => resolve(chunk.toString()))
    )
    // Both background sleeps must run before the kill, however slow the machine is.
    await waitFor(
      "the step's sleeps to start",
      10_000,
      () => Promise.resolve(/sleep 300 [^]*sleep 301 /.test(stepCommands(marker)) || undefined),
      () => Promise.resolve(stepCommands(marker)),
      20
    )
    return { pid: Number(/container-hooks-step-pid:(\d+)/.exec(firstLine)![1]), exited }
  }

  const descendants = (pid: number): string =>
    spawnSync('sh', ['-c', `ps -o pid= --ppid ${pid}; true`], { encoding: 'utf8' }).stdout.trim()

  test.each([
    ['the PID tree', (pid: number) => killStepCommand(pid, 'not-this-marker', spoolRoot)],
    [
      'the env marker and the spool',
      (_pid: number, marker: string) => killStepCommand(undefined, marker, spoolRoot)
    ]
  ])('kills the whole step through %s and nothing else', async (_how, command) => {
    const marker = `kill-test-${process.pid}-${Math.random().toString(16).slice(2)}`
    const { pid, exited } = await startStep(marker)
    expect(descendants(pid)).not.toBe('')
    const bystander = spawn('sleep', ['300'])
    const [killCmd, ...killArgs] = command(pid, marker)
    expect(spawnSync(killCmd, killArgs, { encoding: 'utf8' }).status).toBe(0)
    expect(await exited).toBe('SIGTERM')
    const left = spawnSync(
      'sh',
      ['-c', `grep -laF "CONTAINER_HOOKS_STEP=${marker}" /proc/[0-9]*/environ 2>/dev/null`],
      { encoding: 'utf8' }
    )
    expect(left.stdout).toBe('')
    expect(bystander.exitCode).toBeNull()
    bystander.kill()
  })
})
