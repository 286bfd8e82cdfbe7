import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { HookError } from '../errors'
import { expand, type ExpressionContext } from './expressions'
import { createFileCommands, readFileCommands, type StepFileNames } from './file-commands'
import { containerStepArgs, quoteActionArgs, scriptStepArgs, SHELL_ARGS } from './inputs'
import { isRunStep, type RunStepSpec, type StepSpec, type UsesStepSpec } from './job-schema'
import { hookCommand, hostCommand, stepTimer, type JobRun, type StepTimer } from './job-run'
import { actionInputs, loadLocalAction, type LocalAction } from './local-action'
import { containerStepPaths, hostPaths, jobContainerPaths, type StepPaths } from './paths'
import type { CommandRecord, StepResult } from './results'
import { stepEnv } from './step-env'

export function stepName(step: StepSpec): string {
  if (step.name) return step.name
  return isRunStep(step) ? `Run ${step.run.trim().split('\n')[0]}` : `Run ${step.uses}`
}

function exprContext(run: JobRun, inputs: Record<string, string>): ExpressionContext {
  return {
    steps: run.outputs,
    inputs,
    env: { ...run.job.env, ...run.addedEnv },
    job: { container: run.container }
  }
}

function expandAll(values: Record<string, string>, ctx: ExpressionContext): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, expand(v, ctx)]))
}

interface StepCall {
  run: JobRun
  step: StepSpec
  files: StepFileNames
  timer: StepTimer | undefined
}

function envFor(
  call: StepCall,
  paths: StepPaths,
  inputs: Record<string, string>,
  extra: Record<string, string> = {}
): Record<string, string> {
  const ctx = exprContext(call.run, inputs)
  return stepEnv({
    jobEnv: expandAll(call.run.job.env, ctx),
    addedEnv: call.run.addedEnv,
    stepEnv: { ...expandAll(extra, ctx), ...expandAll(call.step.env, ctx) },
    inputs,
    job: call.run.identity,
    paths,
    files: call.files
  })
}

function hostEnv(call: StepCall, env: Record<string, string>): Record<string, string> {
  const path = [...call.run.prependPath, call.run.hostEnv.PATH ?? ''].filter(Boolean).join(':')
  return { ...call.run.hostEnv, ...env, PATH: path }
}

/** A script step: in the job container through the hook, else on the host with the same shell. */
async function scriptStep(
  call: StepCall,
  entryPoint: string,
  entryArgs: (paths: StepPaths) => string[],
  env: (paths: StepPaths) => Record<string, string>
): Promise<CommandRecord> {
  const { run } = call
  if (!run.hasJobContainer) {
    const paths = hostPaths(run.layout)
    return hostCommand(run, entryPoint, entryArgs(paths), hostEnv(call, env(paths)), call.timer)
  }
  const paths = jobContainerPaths(run.layout.repoName)
  const args = scriptStepArgs(
    entryPoint,
    entryArgs(paths),
    env(paths),
    run.prependPath,
    paths.workspace
  )
  return (await hookCommand(run, 'run_script_step', args, call.timer)).record
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

function localActionStep(call: StepCall, step: UsesStepSpec): Promise<CommandRecord> {
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
    return containerStep(
      call,
      fromRegistry ? runs.image.slice('docker://'.length) : null,
      fromRegistry ? null : join(action.dir, runs.image),
      runs.entrypoint ?? null,
      args,
      inputs,
      runs.env
    )
  }
  const main = relative(layout.workspace, join(action.dir, runs.main))
  const node = run.hasJobContainer
    ? `/__e/${run.isAlpine ? 'node24_alpine' : 'node24'}/bin/node`
    : join(layout.externals, 'node24', 'bin', 'node')
  return scriptStep(
    call,
    node,
    paths => [`${paths.workspace}/${main}`],
    paths => envFor(call, paths, inputs)
  )
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
  try {
    if (isRunStep(step)) rec = await runShellStep(call, step)
    else if (step.uses.startsWith('docker://')) rec = await dockerUriStep(call, step)
    else rec = await localActionStep(call, step)
  } catch (err) {
    if (!(err instanceof HookError)) throw err
    run.hook.log(`##[error]${err.message}`)
    return { ...failedBeforeStart(err.message), name, id, outputs: {} }
  }
  let outputs: Record<string, string> = {}
  try {
    const commands = readFileCommands(run.layout.fileCommands, call.files)
    outputs = commands.outputs
    Object.assign(run.addedEnv, commands.env)
    for (const p of commands.path) run.prependPath = [p, ...run.prependPath.filter(x => x !== p)]
  } catch (err) {
    run.hook.log(`##[error]${(err as Error).message}`)
    rec = { ...rec, result: 'failure', errors: [...rec.errors, (err as Error).message] }
  }
  if (id) run.outputs[id] = outputs
  return { ...rec, name, id, outputs }
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
