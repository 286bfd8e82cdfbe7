import {
  debugEnabled,
  InputError,
  StepFailedError,
  type HookContext,
  type ScriptStepArgs
} from '@container-hooks/hooklib'
import { loadConfig } from '../config'
import { jobContainerFate } from '../driver/container-fate'
import { engineError } from '../driver/engine'
import { runExec } from '../driver/exec'
import { markStepFailed } from '../driver/failed-mark'
import { scriptExecOptions } from '../specs/exec-spec'
import { readState } from '../specs/state'

/**
 * Tells this step's processes apart from other steps' in the same container. It needs to be
 * unique, not secret: node:crypto would add ~7 ms to every step's start-up.
 */
function stepMarker(): string {
  const random = Math.random().toString(16).slice(2, 10).padStart(8, '0')
  return `${process.pid.toString(16)}-${Date.now().toString(16)}-${random}`
}

export async function runScriptStep(args: ScriptStepArgs, ctx: HookContext): Promise<void> {
  const config = loadConfig(ctx.env)
  const state = readState(ctx.state)
  if (state?.container == null) {
    throw new InputError(
      'run_script_step needs the job container from prepare_job, but the state has none (was prepare_job run by this hook?)'
    )
  }
  const marker = stepMarker()
  let code: number
  try {
    const wrapped = state.container.shell === true
    const options = scriptExecOptions(args, state.container.path, marker, wrapped)
    code = await runExec(
      { config, containerId: state.container.id },
      { options, marker, wrapped, output: ctx },
      ctx.log,
      ctx.signal
    )
  } catch (err) {
    throw engineError(err, 'running the step in the job container', config)
  }
  if (debugEnabled(config.debug)) {
    const { afterStep } = await import('../debug/after-step.js')
    const debug = { workingDirectory: args.workingDirectory, exitCode: code }
    await afterStep({ config, state: { ...state, container: state.container }, ...debug }, ctx)
  }
  if (code !== 0) {
    const fate = await jobContainerFate(config, state.container.id, code).catch(() => undefined)
    await markStepFailed(config, state.jobId, ctx.log)
    throw new StepFailedError(code, fate)
  }
}
