/**
 * Drives the BUNDLED hook (dist/index.js) the way the runner does: one JSON line on stdin, the
 * runner's environment, a response file; and lays out a runner `_work` on the host.
 */
import type {
  HookContainer,
  HookState,
  MountVolume,
  PrepareJobResponse,
  ScriptStepArgs
} from '@container-hooks/hooklib'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { busybox } from './containers'

const PACKAGE = resolve(__dirname, '../..')
export const BUNDLE = join(PACKAGE, 'dist/index.js')
/** The runner's Node 20 or Node 24 (HOOKS_NODE20/24, else scripts/node), not jest's own. */
export function runnerNode(major: 20 | 24): string {
  return (
    process.env[`HOOKS_NODE${major}`] ??
    execFileSync(join(PACKAGE, '../../scripts/node'), [String(major)], {
      encoding: 'utf8'
    }).trim()
  )
}

/**
 * The Node this run of the suite gives the hook, picked as the runner picks it: Node 20, or
 * Node 24 with ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION=node24 (scripts/test-all runs the
 * hook-running files both ways).
 */
export const HOOK_NODE = runnerNode(
  process.env.ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION === 'node24' ? 24 : 20
)

/** Builds dist/index.js once per test file, as `npm run build` does. */
export function buildBundle(): void {
  execFileSync(process.execPath, [join(PACKAGE, '../../scripts/bundle.mjs'), PACKAGE], {
    stdio: 'inherit'
  })
}

export interface HookRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  response: unknown
}

export interface Work {
  /** The runner's `_work` on the host. */
  root: string
  repo: string
  temp: string
  fileCommands: string
}

/** A runner `_work` with the folders the runner creates before prepare_job. */
export function workLayout(root: string): Work {
  const work: Work = {
    root,
    repo: join(root, 'repo/repo'),
    temp: join(root, '_temp'),
    fileCommands: join(root, '_temp/_runner_file_commands')
  }
  for (const dir of [
    work.repo,
    work.fileCommands,
    join(root, '_temp/_github_home'),
    join(root, '_temp/_github_workflow'),
    join(root, '_actions'),
    join(root, '_tool')
  ]) {
    mkdirSync(dir, { recursive: true })
  }
  return work
}

export function systemMounts(work: Work): MountVolume[] {
  const m = (source: string, target: string, readOnly = false): MountVolume => ({
    userProvidedValue: null,
    sourceVolumePath: source,
    targetVolumePath: target,
    readOnly
  })
  return [
    m('/var/run/docker.sock', '/var/run/docker.sock'),
    m(work.root, '/__w'),
    m('/home/runner/externals', '/__e', true),
    m(work.temp, '/__w/_temp'),
    m(join(work.root, '_actions'), '/__w/_actions'),
    m(join(work.root, '_tool'), '/__w/_tool'),
    m(join(work.temp, '_github_home'), '/github/home'),
    m(join(work.temp, '_github_workflow'), '/github/workflow')
  ]
}

export function jobContainer(work: Work, overrides: Partial<HookContainer> = {}): HookContainer {
  return busybox({
    workingDirectory: '/__w/repo/repo',
    environmentVariables: { HOME: '/github/home' },
    systemMountVolumes: systemMounts(work),
    ...overrides
  })
}

export function startHook(
  command: string,
  args: unknown,
  state: HookState | null,
  work: Work,
  env: NodeJS.ProcessEnv = {},
  node = HOOK_NODE
): { child: ChildProcess; done: Promise<HookRun> } {
  const responseFile = join(work.temp, `response-${randomBytes(4).toString('hex')}.json`)
  writeFileSync(responseFile, '')
  const child = spawn(node, [BUNDLE], {
    env: { ...process.env, RUNNER_WORKSPACE: join(work.root, 'repo'), ...env },
    stdio: ['pipe', 'pipe', 'inherit']
  })
  child.stdin.end(`${JSON.stringify({ command, responseFile, args, state })}\n`)
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  const done = new Promise<HookRun>(resolveRun => {
    child.on('close', (code, signal) => {
      const text = readFileSync(responseFile, 'utf8')
      rmSync(responseFile, { force: true })
      resolveRun({ code, signal, stdout, response: text ? JSON.parse(text) : undefined })
    })
  })
  return { child, done }
}

export function runHook(
  command: string,
  args: unknown,
  state: HookState | null,
  work: Work,
  env: NodeJS.ProcessEnv = {},
  node = HOOK_NODE
): Promise<HookRun> {
  return startHook(command, args, state, work, env, node).done
}

/** A `run:` step as the runner sends it: the script in _temp, file commands, container paths. */
export function scriptStep(
  work: Work,
  script: string,
  env: Record<string, string> = {}
): ScriptStepArgs {
  const id = randomBytes(4).toString('hex')
  writeFileSync(join(work.temp, `${id}.sh`), script)
  const files: Record<string, string> = {}
  for (const name of [
    'GITHUB_OUTPUT',
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY'
  ]) {
    const file = `${name.toLowerCase()}_${id}`
    writeFileSync(join(work.fileCommands, file), '')
    files[name] = `/__w/_temp/_runner_file_commands/${file}`
  }
  return {
    entryPoint: 'sh',
    entryPointArgs: ['-e', `/__w/_temp/${id}.sh`],
    environmentVariables: { ...files, GITHUB_WORKSPACE: '/__w/repo/repo', ...env },
    prependPath: [],
    workingDirectory: '/__w/repo/repo'
  }
}

/**
 * A pod template (ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE) in `_temp` whose job container
 * (`$job`) gets `jobLines` (YAML at the container's indentation), after `podLines` at the top.
 */
export function jobTemplate(work: Work, name: string, jobLines: string[], podLines: string[] = []) {
  const path = join(work.temp, name)
  const job = jobLines.map(line => `      ${line}`)
  writeFileSync(
    path,
    [...podLines, 'spec:', '  containers:', '    - name: $job', ...job].join('\n')
  )
  return path
}

export function fileCommand(work: Work, step: ScriptStepArgs, name: string): string {
  const file = step.environmentVariables[name].replace('/__w/', '')
  return readFileSync(join(work.root, file), 'utf8')
}

/** Fails with the hook's output when it did not exit 0. */
export function expectSuccess(run: HookRun): HookRun {
  if (run.code !== 0) throw new Error(`the hook exited ${run.code ?? run.signal}:\n${run.stdout}`)
  return run
}

/** A `run:` step with `script` that must succeed: the hook's run. */
export async function runStep(
  work: Work,
  script: string,
  state: HookState,
  env: NodeJS.ProcessEnv = {}
): Promise<HookRun> {
  return expectSuccess(await runHook('run_script_step', scriptStep(work, script), state, work, env))
}

/** prepare_job for the job container and `services`: the hook's run, whatever its outcome. */
export function prepareWithServices(
  work: Work,
  services: HookContainer[],
  env: NodeJS.ProcessEnv = {}
): Promise<HookRun> {
  return runHook('prepare_job', { container: jobContainer(work), services }, null, work, env)
}

/** prepare_job for a job container (no services) that must succeed: its response. */
export async function prepareJob(
  work: Work,
  overrides: Partial<HookContainer> = {},
  env: NodeJS.ProcessEnv = {}
): Promise<PrepareJobResponse & { state: HookState }> {
  const run = expectSuccess(
    await runHook(
      'prepare_job',
      { container: jobContainer(work, overrides), services: [] },
      null,
      work,
      env
    )
  )
  return run.response as PrepareJobResponse & { state: HookState }
}

/** PIDs of the step helpers (src/step-helper) running for pods whose name starts with `prefix`. */
export function helperPids(prefix: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    const at = argv.indexOf('--step-helper')
    if (at > 0 && argv[at + 1]?.startsWith(prefix)) pids.push(Number(entry))
  }
  return pids
}
