import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HookError } from '@container-hooks/hooklib'
import type { Command, HookState, PrepareJobArgs } from '@container-hooks/hooklib'
import { runProcess, type CancelWaits, type ProcessOutcome } from './process'
import { readRunnerResponse, type RunnerReading } from './runner-response'
import { maskLine, parseWorkflowCommand } from './workflow-commands'

export interface HookInvocation {
  hook: string
  node: string
  /** Where the runner creates the response file (`_work/_temp`). */
  tempDir: string
  cwd: string
  env: Record<string, string>
  waits: CancelWaits
  abort?: AbortSignal
  /** Receives every log line, already masked. */
  log: (line: string) => void
  /** Secrets registered with ::add-mask:: so far; grows as the hook registers more. */
  masks: string[]
}

export interface CommandOutcome extends ProcessOutcome {
  /** Lines as they were shown (masked). */
  lines: string[]
  /** `::error::` messages the hook printed, then the runner's own reason if the response was refused. */
  errors: string[]
  reading: RunnerReading | null
  ok: boolean
}

export const GENERIC_FAILURE =
  'Executing the custom container implementation failed. Please contact your self hosted runner administrator.'

/** Runs one hook command like the runner: one JSON line on stdin, live log, then the response file. */
export async function invokeHook(
  inv: HookInvocation,
  command: Command,
  args: unknown,
  state: HookState | null,
  cancelAfterMs?: number
): Promise<CommandOutcome> {
  const responseFile = join(inv.tempDir, `${randomUUID()}.json`)
  writeFileSync(responseFile, '')
  const lines: string[] = []
  const errors: string[] = []
  const show = (line: string): void => {
    const masked = maskLine(line, inv.masks)
    lines.push(masked)
    inv.log(masked)
  }
  const outcome = await runProcess({
    command: inv.node,
    args: [inv.hook],
    cwd: inv.cwd,
    env: inv.env,
    stdin: JSON.stringify({ command, responseFile, args, state }) + '\n',
    waits: inv.waits,
    abort: inv.abort,
    cancelAfterMs,
    onLine: line => {
      const cmd = parseWorkflowCommand(line)
      if (cmd?.name === 'add-mask') {
        inv.masks.push(cmd.message)
        return
      }
      if (cmd?.name === 'error') errors.push(maskLine(cmd.message, inv.masks))
      show(line)
    }
  })
  let reading: RunnerReading | null = null
  let ok = outcome.exitCode === 0 && !outcome.cancelled
  if (outcome.exitCode === 0) {
    try {
      reading = readRunnerResponse(
        readFileSync(responseFile, 'utf8'),
        command,
        command === 'prepare_job' ? (args as PrepareJobArgs) : undefined
      )
    } catch (err) {
      ok = false
      errors.push((err as Error).message)
      show(`##[error]${(err as Error).message}`)
    }
  } else {
    show(`##[error]${GENERIC_FAILURE}`)
    show(`##[error]Process completed with exit code ${outcome.exitCode ?? outcome.signal}.`)
  }
  rmSync(responseFile, { force: true })
  return { ...outcome, lines, errors, reading, ok }
}

/** Checked once before the job, so a wrong path is one clear line instead of four failed commands. */
export function assertHookFile(hook: string): void {
  if (!existsSync(hook))
    throw new HookError(
      `Hook file not found: ${hook} (run npm run build, or pass --hook path/to/hook.js)`
    )
}
