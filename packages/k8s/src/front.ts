/**
 * The bundle's entry, kept light: a script step goes to its job's step helper when one answers
 * (step-helper/), and only otherwise is the hook itself (index.ts) loaded (load-hook.ts).
 */
import { decodeUtf8, exitAfterDrain, readStdinBytes } from '@container-hooks/hooklib/process-io'
import { runInHelper, scriptStepPod } from './step-helper/client'
import { HELPER_ARG } from './step-helper/protocol'
import { hook } from './load-hook'

async function readInput(): Promise<Buffer> {
  try {
    return await readStdinBytes()
  } catch {
    // runHook reports the empty input
    return Buffer.alloc(0)
  }
}

/** The text to look for a step helper in; undefined when not UTF-8 (runHook reports that). */
function text(input: Buffer): string | undefined {
  try {
    return decodeUtf8(input)
  } catch {
    return undefined
  }
}

async function front(): Promise<void> {
  if (process.argv[2] === HELPER_ARG) return hook().serveHelper(process.argv[3] ?? '')
  const input = await readInput()
  const decoded = text(input)
  const pod = decoded === undefined ? undefined : scriptStepPod(decoded)
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env, signals: process }
  const outcome =
    pod === undefined || decoded === undefined
      ? { signals: [] }
      : await runInHelper(pod, decoded, io)
  if (outcome.code === undefined) await hook().runCommand(input, outcome.signals)
  else exitAfterDrain(outcome.code)
}

void front()
