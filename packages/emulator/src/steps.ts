import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { HookError } from '@container-hooks/hooklib'
import { compositeStep, type ActionRun } from './composite-action'
import { expand } from './expressions'
import { createFileCommands } from './file-commands'
import { containerStepArgs, quoteActionArgs, SHELL_ARGS } from './inputs'
import { isRunStep, type RunStepSpec, type StepSpec, type UsesStepSpec } from './job-schema'
import { hookCommand, stepTimer, type JobRun } from './job-run'
import { actionInputs, loadLocalAction, type LocalAction } from './local-action'
import { containerStepPaths } from './paths'
import type { CommandRecord, StepResult } from './results'
import {
  applyFileCommands,
  envFor,
  expandAll,
  exprContext,
  scriptStep,
  type StepCall
} from './step-call'

export function stepName(step: StepSpec): string {
  if (step.name) return step.name
  return isRunStep(step) ? `Run ${step.run.trim().split('\n')[0]}` : `Run ${step.uses}`
}

function runShellStep(call: StepCall, step: RunStepSpec): Promise<CommandRecord> {
  const script = `${randomUUID()}.sh`
  writeFileSync(join(call.run.layout.temp, script), expand(step.run, exprContext(call.run, {})))
  return scriptStep(
    call,
    step.shell,
    paths => [...SHELL_ARGS[step.shell], `${paths.temp}/${script}`],
    paths => envFor(call, paths, {})
  )
}

async function containerStep(
  call: StepCall,
  image: string | null,
  dockerfile: string | null,
  entryPoint: string | null,
  args: string | null,
  inputs: Record<string, string>,
  actionEnv: Record<string, string>
): Promise<CommandRecord> {
  const env = envFor(call, containerStepPaths(), inputs, actionEnv)
  const hookArgs = containerStepArgs({ image, dockerfile, entryPoint, args, env }, call.run.layout)
  return (await hookCommand(call.run, 'run_container_step', hookArgs, call.timer)).record
}

function dockerUriStep(call: StepCall, step: UsesStepSpec): Promise<CommandRecord> {
  const given = { ...step.with }
  if (step.args !== undefined) given.args = step.args
  if (step.entrypoint !== undefined) given.entrypoint = step.entrypoint
  const inputs = expandAll(given, exprContext(call.run, {}))
  return containerStep(
    call,
    step.uses.slice('docker://'.length),
    null,
    inputs.entrypoint ?? null,
    inputs.args ?? null,
    inputs,
    {}
  )
}

async function localActionStep(call: StepCall, step: UsesStepSpec): Promise<ActionRun> {
  const { run } = call
  const { layout } = run
  const action: LocalAction = loadLocalAction(layout.workspace, step.uses)
  const inputs = actionInputs(action, expandAll(step.with, exprContext(call.run, {})))
  const ctx = exprContext(call.run, inputs)
  const runs = action.runs
  if (runs.using === 'docker') {
    const fromRegistry = runs.image.startsWith('docker://')
    const args = runs.args
      ? quoteActionArgs(runs.args.map(a => expand(a, ctx)))
      : (inputs.args ?? null)
    const rec = await containerStep(
      call,
      fromRegistry ? runs.image.slice('docker://'.length) : null,
      fromRegistry ? null : join(action.dir, runs.image),
      runs.entrypoint ?? null,
      args,
      inputs,
      runs.env
    )
    return { rec, outputs: {} }
  }
  if (runs.using === 'composite') return compositeStep(call, action, runs.steps, inputs)
  const main = relative(layout.workspace, join(action.dir, runs.main))
  const node = run.hasJobContainer
    ? `/__e/${run.isAlpine ? 'node24_alpine' : 'node24'}/bin/node`
    : join(layout.externals, 'node24', 'bin', 'node')
  const rec = await scriptStep(
    call,
    node,
    paths => [`${paths.workspace}/${main}`],
    paths => envFor(call, paths, inputs)
  )
  return { rec, outputs: {} }
}

/** Runs one step with fresh command files, then applies its GITHUB_OUTPUT/ENV/PATH like the runner. */
export async function executeStep(run: JobRun, step: StepSpec): Promise<StepResult> {
  const name = stepName(step)
  const id = step.id ?? null
  const call: StepCall = {
    run,
    step,
    files: createFileCommands(run.layout.fileCommands),
    timer: stepTimer(step['cancel-after'], step['timeout-minutes'])
  }
  let rec: CommandRecord
  let actionOutputs: Record<string, string> = {}
  try {
    if (isRunStep(step)) rec = await runShellStep(call, step)
    else if (step.uses.startsWith('docker://')) rec = await dockerUriStep(call, step)
    else ({ rec, outputs: actionOutputs } = await localActionStep(call, step))
  } catch (err) {
    if (!(err instanceof HookError)) throw err
    run.hook.log(`##[error]${err.message}`)
    return { ...failedBeforeStart(err.message), name, id, outputs: {} }
  }
  const read = applyFileCommands(run, call.files, rec)
  const outputs = { ...read.outputs, ...actionOutputs }
  if (id) run.outputs[id] = outputs
  return { ...read.rec, name, id, outputs }
}

function failedBeforeStart(message: string): CommandRecord {
  return {
    command: null,
    result: 'failure',
    exitCode: null,
    durationMs: 0,
    lines: [`##[error]${message}`],
    errors: [message],
    signals: [],
    input: null
  }
}
