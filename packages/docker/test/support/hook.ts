/**
 * Runs the bundled hook like the runner does: the runner's Node, one JSON line on stdin, a
 * response file.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Docker from 'dockerode'
import type { Command, HookState } from '@container-hooks/hooklib'
import { jobContainer } from './inputs'

export const BUNDLE = resolve(__dirname, '../../dist/index.js')

/** The runner's Node 20 or Node 24 (pinned by scripts/node, exported by test/global-setup.ts). */
export function runnerNode(major: 20 | 24): string {
  const node = process.env[`HOOKS_NODE${major}`]
  if (!node)
    throw new Error(
      `HOOKS_NODE${major} is not set: test/global-setup.ts did not run scripts/infra/env`
    )
  return node
}

/**
 * The Node this run of the suite gives the hook, picked as the runner picks it: Node 20, or
 * Node 24 with ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION=node24. scripts/test-all runs the
 * suite both ways.
 */
export function hookNode(): string {
  const forced = process.env.ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION
  return runnerNode(forced === 'node24' ? 24 : 20)
}

export interface HookRun {
  code: number | null
  stdout: string
  stderr: string
  /** The parsed response file, or null when the hook left it empty. */
  response: { state?: HookState; [key: string]: unknown } | null
  /** `::error::` lines. */
  errors: string[]
  /** When the cancel signal was sent (Date.now()), if it was. */
  cancelledAt?: number
}

export interface HookRunOptions {
  env?: Record<string, string>
  /** The Node that runs the hook; default hookNode(). */
  node?: string
  /** Sends `cancelSignal` after this many ms (the runner's cancel). */
  cancelAfterMs?: number
  /**
   * Sends `cancelSignal` once this resolves (given the output so far): cancels at a known point
   * of the step, however slow the machine is.
   */
  cancelWhen?: (stdout: () => string) => Promise<void>
  /**
   * Runs alongside the hook, given its output so far (a proxy cut at a known point of the
   * step); a failure kills the hook and is added to its stderr.
   */
  during?: (stdout: () => string) => Promise<void>
  /** Default SIGINT, what the runner sends first; SIGTERM follows 7.5 s later. */
  cancelSignal?: 'SIGINT' | 'SIGTERM'
  /** Raw stdin instead of the JSON line (malformed input tests). */
  stdin?: string
  /**
   * SIGKILLs the hook after this many ms and says so on its stderr: a test of many runs names
   * the run that hung instead of running into jest's timeout.
   */
  killAfterMs?: number
}

/** A runner name unique to one test, so parallel test files never clean up each other. */
export function uniqueRunner(prefix: string): string {
  return `test-${prefix}-${randomBytes(4).toString('hex')}`
}

export function runHook(
  command: Command,
  args: unknown,
  state: HookState | null,
  runnerName: string,
  options: HookRunOptions = {}
): Promise<HookRun> {
  const dir = mkdtempSync(join(tmpdir(), 'docker-hook-'))
  const responseFile = join(dir, 'response.json')
  writeFileSync(responseFile, '')
  const child = spawn(options.node ?? hookNode(), [BUNDLE], {
    env: { ...process.env, RUNNER_NAME: runnerName, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin.end(options.stdin ?? JSON.stringify({ command, responseFile, args, state }) + '\n')
  let cancelledAt: number | undefined
  const cancel = (): void => {
    if (child.exitCode !== null || child.signalCode !== null) return
    cancelledAt = Date.now()
    child.kill(options.cancelSignal ?? 'SIGINT')
  }
  if (options.cancelAfterMs !== undefined) setTimeout(cancel, options.cancelAfterMs)
  const killAfterMs = options.killAfterMs
  const killer =
    killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          stderr += `the hook did not end within ${killAfterMs} ms: killed\n`
          child.kill('SIGKILL')
        }, killAfterMs)
  options
    .cancelWhen?.(() => stdout)
    .then(cancel, (err: unknown) => {
      child.kill('SIGKILL')
      stderr += `cancelWhen failed: ${String(err)}\n`
    })
  options
    .during?.(() => stdout)
    .catch((err: unknown) => {
      child.kill('SIGKILL')
      stderr += `during failed: ${String(err)}\n`
    })
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(killer)
      const text = readFileSync(responseFile, 'utf8')
      resolvePromise({
        code,
        stdout,
        stderr,
        response: text === '' ? null : (JSON.parse(text) as HookRun['response']),
        errors: stdout.split('\n').filter(l => l.startsWith('::error::')),
        cancelledAt
      })
    })
  })
}

/** Polls `done` every 50 ms; rejects after `timeoutMs`. */
export async function until(done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !(await done());) {
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms`)
    await new Promise(r => setTimeout(r, 50))
  }
}

export const docker = new Docker({ socketPath: '/var/run/docker.sock' })

/** Everything the hook left behind for a runner: must be empty after cleanup or a failure. */
export async function leftovers(runnerName: string): Promise<string[]> {
  const filters = { label: [`org.container-hooks.runner=${runnerName}`] }
  const [containers, networks, images, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listImages({ filters }),
    docker.listVolumes({ filters })
  ])
  return [
    ...containers.map(c => `container ${c.Names[0]}`),
    ...networks.map(n => `network ${n.Name}`),
    ...images.map(i => `image ${i.RepoTags?.[0] ?? i.Id}`),
    ...(volumes.Volumes ?? []).map(v => `volume ${v.Name}`)
  ]
}

/** The names of a container's anonymous volumes (the image's VOLUMEs and source-less mounts). */
export async function anonymousVolumes(containerId: string): Promise<string[]> {
  const info = await docker.getContainer(containerId).inspect()
  // A named volume's Name is the name the workflow gave; an anonymous one's is a 64-hex id.
  return info.Mounts.filter(m => m.Type === 'volume' && /^[0-9a-f]{64}$/.test(m.Name ?? '')).map(
    m => m.Name!
  )
}

/** Which of `names` the engine still has. */
export async function existingVolumes(names: string[]): Promise<string[]> {
  const all = new Set(((await docker.listVolumes()).Volumes ?? []).map(v => v.Name))
  return names.filter(n => all.has(n))
}

/** prepare_job, then `fn`; cleanup_job always runs, and afterwards nothing may be left. */
/** prepare_job of the busybox job container with `work` at /__w; its state, once it succeeded. */
export async function prepareJob(runnerName: string, work: string): Promise<HookState> {
  const args = { container: jobContainer(work), services: [] }
  const prepared = await runHook('prepare_job', args, null, runnerName)
  expect(prepared.errors).toEqual([])
  return prepared.response!.state!
}

export async function withJob(
  args: unknown,
  runnerName: string,
  fn: (prepared: HookRun) => Promise<void>,
  options: HookRunOptions = {}
): Promise<void> {
  const prepared = await runHook('prepare_job', args, null, runnerName, options)
  try {
    await fn(prepared)
  } finally {
    await runHook('cleanup_job', {}, prepared.response?.state ?? null, runnerName)
  }
  expect(await leftovers(runnerName)).toEqual([])
}

/** A step that fetched the test service's page. */
export function expectServiceReached(step: HookRun): void {
  expect(step.errors).toEqual([])
  expect(step.code).toBe(0)
  expect(step.stdout).toContain('container-hooks-test service')
}
