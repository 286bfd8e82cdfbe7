/**
 * A local composite action (`runs.using: composite`), read on the HOST like every local action.
 * As on the runner, each of its `run:` steps is one run_script_step in the job container (a host
 * process without one) with its own command files: GITHUB_ENV and GITHUB_PATH reach the next
 * steps, and the action's `outputs:` are expanded from its steps' outputs at the end.
 */
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expand } from './expressions'
import { createFileCommands } from './file-commands'
import { SHELL_ARGS } from './inputs'
import type { CompositeStep, LocalAction } from './local-action'
import type { CommandRecord } from './results'
import * as calls from './step-call'
import type { StepCall } from './step-call'

export interface ActionRun {
  rec: CommandRecord
  outputs: Record<string, string>
}

/** The action's steps as one step: lines, errors and time added up, the first non-success result. */
function combine(records: CommandRecord[]): CommandRecord {
  return {
    ...records[records.length - 1],
    result: records.find(r => r.result !== 'success')?.result ?? 'success',
    durationMs: records.reduce((sum, r) => sum + r.durationMs, 0),
    lines: records.flatMap(r => r.lines),
    errors: records.flatMap(r => r.errors),
    signals: records.flatMap(r => r.signals)
  }
}

export async function compositeStep(
  call: StepCall,
  action: LocalAction,
  steps: CompositeStep[],
  inputs: Record<string, string>
): Promise<ActionRun> {
  const { run } = call
  // `steps.<id>` inside the action names the action's own steps.
  const inner: Record<string, Record<string, string>> = {}
  const records: CommandRecord[] = []
  for (const step of steps) {
    const ctx = calls.exprContext(run, inputs, inner)
    const stepCall: StepCall = { ...call, step, files: createFileCommands(run.layout.fileCommands) }
    const script = `${randomUUID()}.sh`
    writeFileSync(join(run.layout.temp, script), expand(step.run, ctx))
    // Inputs reach composite steps as ${{ inputs.x }} only, not as INPUT_* variables.
    const rec = await calls.scriptStep(
      stepCall,
      step.shell,
      paths => [...SHELL_ARGS[step.shell], `${paths.temp}/${script}`],
      paths => calls.envFor(stepCall, paths, {}, {}, ctx)
    )
    const read = calls.applyFileCommands(run, stepCall.files, rec)
    records.push(read.rec)
    if (step.id) inner[step.id] = read.outputs
    if (read.rec.result !== 'success') break
  }
  const values: Record<string, string> = {}
  for (const [name, output] of Object.entries(action.outputs)) values[name] = output?.value ?? ''
  return {
    rec: combine(records),
    outputs: calls.expandAll(values, calls.exprContext(run, inputs, inner))
  }
}
