import { randomBytes } from 'node:crypto'
import { assertHookFile } from './invoke-hook'
import { prepareJobArgs, proxyEnv } from './inputs'
import type { JobSpec } from './job-schema'
import { hookCommand, type JobRun } from './job-run'
import { createLayout, removeLayout, writeWorkspaceFiles, type RunnerLayout } from './layout'
import { hostPaths } from './paths'
import { RUNNER_CANCEL_WAITS, type CancelWaits } from './process'
import { defaultCacheDir } from './cache-dir'
import { printSummary } from './report'
import { skippedStep, type CommandRecord, type JobResult, type StepResult } from './results'
import { githubEnv } from './step-env'
import { executeStep, stepName } from './steps'

export interface EmulatorOptions {
  /** Path to the hook's .js file. */
  hook: string
  /** Node that runs the hook: default the one the runner would pick (hookNode), see below. */
  node?: string
  /** Node placed in externals/node24 (mounted at /__e): default HOOKS_NODE24, else `node`. */
  externalsNode?: string
  /** Host directory used as `_work` (default: a fresh temp dir, removed afterwards). */
  workDir?: string
  /** Extra environment for the hook process and host steps, on top of the emulator's own. */
  env?: Record<string, string>
  /** Receives the log (default: process.stdout). */
  write?: (text: string) => void
  /** Cancellation waits; the runner's 7.5 s and 2.5 s by default. */
  cancelWaits?: Partial<CancelWaits>
  /** Keep the temp tree after the run (to inspect it). */
  keepTree?: boolean
  /** Aborting cancels the job like the runner's cancel button. */
  signal?: AbortSignal
  runnerName?: string
  /** Where the externals dir is cached (default: HOOKS_CACHE_DIR, else the XDG cache dir). */
  cacheDir?: string
}

/**
 * The Node the runner runs a hook with (its NodeUtil): its Node 20 unless
 * ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION says node24 (as the runner's Node 24 feature
 * does). HOOKS_NODE20 and HOOKS_NODE24 (scripts/infra/env) are those Nodes here; without the
 * one chosen, the emulator's own node.
 */
export function hookNode(env: Record<string, string | undefined>): string {
  const node24 = env.ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION === 'node24'
  return (node24 ? env.HOOKS_NODE24 : env.HOOKS_NODE20) ?? process.execPath
}

function baseEnv(options: EmulatorOptions): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v
  return { ...env, ...options.env }
}

function startRun(
  job: JobSpec,
  options: EmulatorOptions,
  layout: RunnerLayout,
  env: Record<string, string>
): JobRun {
  const write = options.write ?? ((text: string) => void process.stdout.write(text))
  const identity = {
    repository: job.repository,
    jobName: job.name,
    runnerName: options.runnerName ?? `emulator-${randomBytes(4).toString('hex')}`
  }
  const hostEnv = { ...env, ...githubEnv(identity, hostPaths(layout)) }
  return {
    job,
    identity,
    layout,
    hostEnv,
    hook: {
      hook: options.hook,
      node: options.node ?? hookNode(env),
      tempDir: layout.temp,
      cwd: layout.workspace,
      env: hostEnv,
      waits: { ...RUNNER_CANCEL_WAITS, ...options.cancelWaits },
      abort: options.signal,
      log: line => write(line + '\n'),
      // Registry passwords are secrets to the runner: masked from the start.
      masks: [job.container, ...job.services].flatMap(c =>
        c?.credentials ? [c.credentials.password] : []
      )
    },
    state: null,
    hasJobContainer: job.container !== undefined,
    isAlpine: false,
    container: {},
    addedEnv: {},
    prependPath: [],
    outputs: {},
    failed: false,
    cancelled: false
  }
}

async function prepare(run: JobRun): Promise<CommandRecord> {
  run.hook.log('── Initialize containers')
  const proxy = proxyEnv(run.hostEnv)
  const args = prepareJobArgs(run.job.container, run.job.services, run.layout, proxy)
  const { record, outcome } = await hookCommand(run, 'prepare_job', args)
  const reading = outcome.reading
  if (record.result !== 'success' || !reading) {
    run.failed = true
    return record
  }
  run.state = reading.state ?? null
  run.isAlpine = reading.isAlpine ?? false
  run.container = { id: reading.container?.id, network: reading.container?.network }
  return record
}

async function steps(run: JobRun): Promise<StepResult[]> {
  const results: StepResult[] = []
  for (const step of run.job.steps) {
    const name = stepName(step)
    if (run.hook.abort?.aborted) run.cancelled = true
    // After a cancel, `if: always()` steps run to the end, as on the runner.
    if (run.cancelled) run.hook.abort = undefined
    if ((run.failed || run.cancelled) && step.if !== 'always()') {
      results.push(skippedStep(name, step.id ?? null))
      continue
    }
    run.hook.log(`── ${name}`)
    const result = await executeStep(run, step)
    if (result.result === 'failure') run.failed = true
    results.push(result)
  }
  return results
}

async function cleanup(run: JobRun): Promise<CommandRecord> {
  run.hook.log('── Stop containers')
  // Cleanup is never cancelled: it is what removes the job's containers after a cancel.
  run.hook.abort = undefined
  const { record } = await hookCommand(run, 'cleanup_job', {})
  if (record.result !== 'success') run.failed = true
  return record
}

/**
 * Runs a job like the runner: prepare_job when there is a container or a service, each step,
 * cleanup_job at the end whenever prepare_job ran (also after a failure or a cancel).
 */
export async function runJob(job: JobSpec, options: EmulatorOptions): Promise<JobResult> {
  assertHookFile(options.hook)
  const started = Date.now()
  const env = baseEnv(options)
  const node = options.node ?? hookNode(env)
  const layout = createLayout({
    repository: job.repository,
    workDir: options.workDir,
    externalsNode: options.externalsNode ?? env.HOOKS_NODE24 ?? node,
    cacheDir: options.cacheDir ?? defaultCacheDir(env)
  })
  const run = startRun(job, options, layout, env)
  let prep: CommandRecord | null = null
  let stepResults: StepResult[] = []
  let clean: CommandRecord | null = null
  try {
    writeWorkspaceFiles(layout, job.files)
    if (job.container || job.services.length > 0) prep = await prepare(run)
    if (prep && prep.result !== 'success')
      stepResults = job.steps.map(s => skippedStep(stepName(s), s.id ?? null))
    else stepResults = await steps(run)
  } finally {
    if (prep) clean = await cleanup(run)
    if (!options.keepTree) removeLayout(layout)
  }
  const all = [prep, ...stepResults, clean].filter((r): r is CommandRecord => r !== null)
  const result: JobResult = {
    result: run.cancelled ? 'cancelled' : run.failed ? 'failure' : 'success',
    prepare: prep,
    steps: stepResults,
    cleanup: clean,
    errors: all.flatMap(r => r.errors),
    workDir: layout.work,
    durationMs: Date.now() - started
  }
  printSummary(result, run.hook.log)
  return result
}
