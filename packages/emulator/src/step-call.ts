import { expand, type ExpressionContext } from './expressions'
import { readFileCommands, type StepFileNames } from './file-commands'
import { scriptStepArgs } from './inputs'
import { hookCommand, hostCommand, type JobRun, type StepTimer } from './job-run'
import { hostPaths, jobContainerPaths, type StepPaths } from './paths'
import type { CommandRecord } from './results'
import { stepEnv } from './step-env'

/** One step being run: the job run, the step's own env, its file-command files and timer. */
export interface StepCall {
  run: JobRun
  step: { env: Record<string, string> }
  files: StepFileNames
  timer: StepTimer | undefined
}

export function exprContext(
  run: JobRun,
  inputs: Record<string, string>,
  steps: Record<string, Record<string, string>> = run.outputs
): ExpressionContext {
  return {
    steps,
    inputs,
    env: { ...run.job.env, ...run.addedEnv },
    job: { container: run.container }
  }
}

export function expandAll(
  values: Record<string, string>,
  ctx: ExpressionContext
): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, expand(v, ctx)]))
}

/** The step's env; `inputs` become INPUT_* variables, `ctx` expands the env values. */
export function envFor(
  call: StepCall,
  paths: StepPaths,
  inputs: Record<string, string>,
  extra: Record<string, string> = {},
  ctx: ExpressionContext = exprContext(call.run, inputs)
): Record<string, string> {
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
export async function scriptStep(
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

/**
 * Reads the step's command files on the host like the runner: GITHUB_ENV and GITHUB_PATH apply
 * to later steps; returns the outputs. A malformed file makes `rec` a failure.
 */
export function applyFileCommands(
  run: JobRun,
  files: StepFileNames,
  rec: CommandRecord
): { rec: CommandRecord; outputs: Record<string, string> } {
  try {
    const commands = readFileCommands(run.layout.fileCommands, files)
    Object.assign(run.addedEnv, commands.env)
    for (const p of commands.path) run.prependPath = [p, ...run.prependPath.filter(x => x !== p)]
    return { rec, outputs: commands.outputs }
  } catch (err) {
    run.hook.log(`##[error]${(err as Error).message}`)
    return {
      rec: { ...rec, result: 'failure', errors: [...rec.errors, (err as Error).message] },
      outputs: {}
    }
  }
}
