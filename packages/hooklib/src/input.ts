import type * as z from 'zod/mini'
import { describeIssues } from './describe-value'
import { InputError } from './errors'
import {
  cleanupJobArgsSchema,
  containerStepArgsSchema,
  envelopeSchema,
  prepareJobArgsSchema,
  scriptStepArgsSchema
} from './input-schema'
import type { Command, HookInput } from './protocol'
import { readStdinText, readText } from './process-io'

const ARGS_SCHEMAS: Record<Command, z.ZodMiniType> = {
  prepare_job: prepareJobArgsSchema,
  cleanup_job: cleanupJobArgsSchema,
  run_script_step: scriptStepArgsSchema,
  run_container_step: containerStepArgsSchema
}

function invalid(detail: string): InputError {
  return new InputError(`Invalid hook input: ${detail}`)
}

/** Parses and validates the runner's stdin payload; throws a one-line InputError. */
export function parseInput(text: string): HookInput {
  if (text.trim() === '') {
    throw invalid('stdin was empty; the runner sends one line of JSON')
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    // V8 quotes a slice of the text in some messages; stdin holds secrets, so drop it.
    const reason = (err as Error).message.replace(/, ".*is not valid JSON$/s, '')
    throw invalid(`stdin is not JSON (${reason})`)
  }
  const envelope = envelopeSchema.safeParse(data)
  if (!envelope.success) {
    throw invalid(describeIssues(envelope.error.issues, data, [], 'stdin'))
  }
  const { command, args, state } = envelope.data
  // The runner sends prepare_job no state: one here is a broken or forged input.
  if (command === 'prepare_job' && state !== null && Object.keys(state).length > 0) {
    throw invalid('state: prepare_job gets no state from the runner, got an object')
  }
  const parsedArgs = ARGS_SCHEMAS[command].safeParse(args ?? {})
  if (!parsedArgs.success) {
    throw invalid(describeIssues(parsedArgs.error.issues, args, ['args']))
  }
  return { ...envelope.data, args: parsedArgs.data } as HookInput
}

/** Reads the whole stream (the runner closes stdin after one line) and parses it. */
export async function readInput(stream: NodeJS.ReadableStream = process.stdin): Promise<HookInput> {
  return parseInput(await readText(stream))
}

/** The process's own stdin, parsed. */
export async function readProcessStdin(): Promise<HookInput> {
  return parseInput(await readStdinText())
}
