import type { Command, HookState } from '@container-hooks/hooklib'
import { invokeHook, type CommandOutcome, type HookInvocation } from './invoke-hook'
import type { JobSpec } from './job-schema'
import type { RunnerLayout } from './layout'
import { runProcess } from './process'
import type { CommandRecord, StepConclusion } from './results'
import type { JobIdentity } from './step-env'

/** Everything one job run carries from step to step (one object per run, never module state). */
export interface JobRun {
  job: JobSpec
  identity: JobIdentity
  layout: RunnerLayout
  hook: HookInvocation
  /** The environment of host steps (the emulator's own, like the runner's). */
  hostEnv: Record<string, string>
  state: HookState | null
  hasJobContainer: boolean
  isAlpine: boolean
  container: { id?: string; network?: string }
  /** GITHUB_ENV of earlier steps. */
  addedEnv: Record<string, string>
  /** GITHUB_PATH of earlier steps, latest first. */
  prependPath: string[]
  outputs: Record<string, Record<string, string>>
  failed: boolean
  cancelled: boolean
}

/** How a step's cancel timer is set: `cancel-after` cancels the job, `timeout-minutes` fails the step. */
export interface StepTimer {
  afterMs: number
  reason: 'cancel' | 'timeout'
}

export function stepTimer(cancelAfter?: number, timeoutMinutes?: number): StepTimer | undefined {
  const cancelMs = cancelAfter === undefined ? Infinity : cancelAfter * 1000
  const timeoutMs = timeoutMinutes === undefined ? Infinity : timeoutMinutes * 60_000
  if (cancelMs === Infinity && timeoutMs === Infinity) return undefined
  return cancelMs <= timeoutMs
    ? { afterMs: cancelMs, reason: 'cancel' }
    : { afterMs: timeoutMs, reason: 'timeout' }
}

function conclude(
  run: JobRun,
  outcome: CommandOutcome,
  timer: StepTimer | undefined
): StepConclusion {
  if (outcome.cancelled) {
    if (timer?.reason === 'timeout' && !run.hook.abort?.aborted) {
      outcome.errors.push('The action has timed out.')
      run.hook.log('##[error]The action has timed out.')
      return 'failure'
    }
    run.cancelled = true
    run.hook.log('##[error]The operation was canceled.')
    return 'cancelled'
  }
  return outcome.ok ? 'success' : 'failure'
}

function record(
  run: JobRun,
  outcome: CommandOutcome,
  timer: StepTimer | undefined,
  input: CommandRecord['input']
): CommandRecord {
  return {
    command: input?.command ?? null,
    result: conclude(run, outcome, timer),
    exitCode: outcome.exitCode,
    durationMs: outcome.durationMs,
    lines: outcome.lines,
    errors: outcome.errors,
    signals: outcome.signals,
    input
  }
}

export async function hookCommand(
  run: JobRun,
  command: Command,
  args: unknown,
  timer?: StepTimer
): Promise<{ record: CommandRecord; outcome: CommandOutcome }> {
  const input = { command, args, state: run.state }
  const outcome = await invokeHook(run.hook, command, args, run.state, timer?.afterMs)
  // A step's response replaces the state only when it carries one.
  const isStep = command === 'run_script_step' || command === 'run_container_step'
  if (isStep && outcome.reading?.state) run.state = outcome.reading.state
  return { record: record(run, outcome, timer, input), outcome }
}

/** A step the runner runs on its host (no job container): the process itself, no hook. */
export async function hostCommand(
  run: JobRun,
  command: string,
  args: string[],
  env: Record<string, string>,
  timer?: StepTimer
): Promise<CommandRecord> {
  const lines: string[] = []
  const show = (line: string): void => {
    lines.push(line)
    run.hook.log(line)
  }
  const outcome = await runProcess({
    command,
    args,
    cwd: run.layout.workspace,
    env,
    onLine: show,
    cancelAfterMs: timer?.afterMs,
    abort: run.hook.abort,
    waits: run.hook.waits
  })
  const errors: string[] = []
  const ok = outcome.exitCode === 0 && !outcome.cancelled
  if (!ok && !outcome.cancelled) {
    errors.push(`Process completed with exit code ${outcome.exitCode ?? outcome.signal}.`)
    show(`##[error]${errors[0]}`)
  }
  return record(run, { ...outcome, lines, errors, reading: null, ok }, timer, null)
}
