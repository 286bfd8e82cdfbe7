import type { Command, HookState } from '@container-hooks/hooklib'
import type { SentSignal } from './process'

export type StepConclusion = 'success' | 'failure' | 'cancelled' | 'skipped'

/** One hook command (or host process) as the emulator saw it. */
export interface CommandRecord {
  /** null for a step the runner would run on the host (no job container). */
  command: Command | null
  result: StepConclusion
  exitCode: number | null
  durationMs: number
  /** The log lines, masked, in order. */
  lines: string[]
  /** `::error::` messages and the emulator's own reason for a failure. */
  errors: string[]
  signals: SentSignal[]
  /** What was sent on stdin (null for host processes and skipped steps). */
  input: { command: Command; args: unknown; state: HookState | null } | null
}

export interface StepResult extends CommandRecord {
  name: string
  id: string | null
  outputs: Record<string, string>
}

export interface JobResult {
  result: 'success' | 'failure' | 'cancelled'
  prepare: CommandRecord | null
  steps: StepResult[]
  cleanup: CommandRecord | null
  /** Every error message of the job, in order. */
  errors: string[]
  /** The `_work` directory (gone after the run unless kept or given). */
  workDir: string
  durationMs: number
}

export function skippedStep(name: string, id: string | null): StepResult {
  return {
    command: null,
    result: 'skipped',
    exitCode: null,
    durationMs: 0,
    lines: [],
    errors: [],
    signals: [],
    input: null,
    name,
    id,
    outputs: {}
  }
}
