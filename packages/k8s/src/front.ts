/**
 * The bundle's entry, kept light: a script step goes to its job's step helper when one answers
 * (step-helper/), and only otherwise is the hook itself (index.ts) loaded, through `loadHook`,
 * which scripts/bundle-loader.mjs defines around this code.
 */
import { exitAfterDrain, readStdinText } from '@container-hooks/hooklib/process-io'
import { runInHelper, scriptStepPod } from './step-helper/client'
import { HELPER_ARG } from './step-helper/protocol'
import type * as Hook from './index'

declare function loadHook(): typeof Hook

async function readInput(): Promise<string> {
  try {
    return await readStdinText()
  } catch {
    // runHook reports the empty input
    return ''
  }
}

async function front(script: string): Promise<void> {
  if (process.argv[2] === HELPER_ARG) return loadHook().serveHelper(script, process.argv[3] ?? '')
  const input = await readInput()
  const pod = scriptStepPod(input)
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process }
  const outcome = pod === undefined ? { signals: [] } : await runInHelper(pod, input, io)
  if (outcome.code === undefined) await loadHook().runCommand(script, input, outcome.signals)
  else exitAfterDrain(outcome.code)
}

void front(__filename)
