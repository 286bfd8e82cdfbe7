/**
 * The Kubernetes hook itself. The bundle compiles this part through V8's code cache and only
 * when front.ts asks for it (scripts/bundle-loader.mjs): a script step that its job's step
 * helper runs never loads it.
 */
import { runHook, type HookHandlers } from '@container-hooks/hooklib'
import { Readable } from 'node:stream'
import { BUILD_INFO } from './build-info'
import { cleanupJob } from './commands/cleanup-job'
import { prepareJob } from './commands/prepare-job'
import { runContainerStep } from './commands/run-container-step'
import { runScriptStep } from './commands/run-script-step'
import { serveSteps } from './step-helper/server'
import { warmUp } from './step-helper/warm-up'

const handlers: HookHandlers = { prepareJob, cleanupJob, runScriptStep, runContainerStep }

/**
 * Runs the command in `input` (the runner's stdin) here; exits with its code. `signals`: the
 * SIGINT/SIGTERM that arrived before (while looking for a step helper), replayed first.
 */
export function runCommand(
  input: string | Buffer,
  signals: readonly string[] = []
): Promise<number> {
  return runHook(handlers, {
    stdin: Readable.from([input]),
    version: BUILD_INFO,
    cancellation: onSignal => {
      for (const name of signals) onSignal(name)
      return () => undefined
    }
  })
}

/** Serves `pod`'s script steps until stopped or idle (step-helper/server.ts). */
export function serveHelper(pod: string): void {
  serveSteps(pod, { handlers, warmUp: state => warmUp(state, process.env) })
}
