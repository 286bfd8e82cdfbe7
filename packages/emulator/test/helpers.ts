import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseJob, runJob, type EmulatorOptions, type JobResult, type JobSpec } from '../src'

export function tempDir(prefix = 'emulator-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/**
 * A test hook: records every input (raw stdin + a few env vars) to RECORD_FILE, prints
 * HOOK_PRINT lines, answers from HOOK_RESPONSES[command] (raw text written to the response
 * file) or a valid default, exits with HOOK_EXIT[command], and runs script steps on the host
 * (mapping /__w to the runner's _work) so that file commands can be exercised.
 */
const RECORDER = `
const fs = require('fs'), path = require('path'), cp = require('child_process')
let raw = ''
process.stdin.on('data', d => (raw += d)).on('end', () => {
  const input = JSON.parse(raw)
  const env = process.env
  fs.appendFileSync(env.RECORD_FILE, JSON.stringify({ raw, env: { GITHUB_WORKSPACE: env.GITHUB_WORKSPACE, RUNNER_WORKSPACE: env.RUNNER_WORKSPACE, RUNNER_TEMP: env.RUNNER_TEMP, RUNNER_NAME: env.RUNNER_NAME, PASSED_THROUGH: env.PASSED_THROUGH } }) + '\\n')
  for (const line of JSON.parse(env.HOOK_PRINT || '[]')) console.log(line)
  const responses = JSON.parse(env.HOOK_RESPONSES || '{}')
  const work = path.dirname(env.RUNNER_WORKSPACE)
  if (input.command === 'run_script_step' && env.HOOK_RUN_SCRIPTS) {
    const host = s => s.replace(/^\\/__w(?=\\/|$)/, work)
    const stepEnv = {}
    for (const [k, v] of Object.entries(input.args.environmentVariables)) stepEnv[k] = host(v)
    stepEnv.PATH = [...input.args.prependPath, env.PATH].join(':')
    const r = cp.spawnSync(input.args.entryPoint, input.args.entryPointArgs.map(host), { cwd: host(input.args.workingDirectory), env: stepEnv, stdio: 'inherit' })
    if (r.status !== 0) { console.log('::error::script failed'); process.exit(r.status) }
  }
  if (responses[input.command] !== undefined) fs.writeFileSync(input.responseFile, responses[input.command])
  else if (input.command === 'prepare_job') {
    fs.writeFileSync(input.responseFile, JSON.stringify({ state: { n: 1 }, context: { container: { id: 'c1', network: 'net1' }, services: input.args.services.map((_, i) => ({ id: 's' + i, ports: {} })) }, isAlpine: false }))
  }
  process.exit(Number(JSON.parse(env.HOOK_EXIT || '{}')[input.command] || 0))
})
`

export interface Recorded {
  raw: string
  input: { command: string; responseFile: string; args: Record<string, unknown>; state: unknown }
  env: Record<string, string | undefined>
}

export function writeScript(dir: string, name: string, source: string): string {
  const file = join(dir, name)
  writeFileSync(file, source)
  return file
}

export function recorderHook(dir: string): {
  hook: string
  record: string
  records: () => Recorded[]
} {
  const record = join(dir, 'records.jsonl')
  writeFileSync(record, '')
  return {
    hook: writeScript(dir, 'recorder.js', RECORDER),
    record,
    records: () =>
      readFileSync(record, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => {
          const r = JSON.parse(line) as { raw: string; env: Recorded['env'] }
          return { ...r, input: JSON.parse(r.raw) as Recorded['input'] }
        })
  }
}

/** Runs a job given as a plain object, collecting the log instead of printing it. */
export async function run(
  job: unknown,
  options: Omit<EmulatorOptions, 'write'>
): Promise<{ result: JobResult; log: string; spec: JobSpec }> {
  const spec = parseJob(job)
  let log = ''
  const result = await runJob(spec, { cacheDir: CACHE, ...options, write: t => (log += t) })
  return { result, log, spec }
}

/** Runs a job through the recording hook; `options.env` configures it (HOOK_RESPONSES …). */
export async function runRecorded(
  job: unknown,
  options: Partial<Omit<EmulatorOptions, 'write'>> = {}
) {
  const rec = recorderHook(tempDir())
  const out = await run(job, {
    ...options,
    hook: rec.hook,
    env: { RECORD_FILE: rec.record, ...options.env }
  })
  return { ...out, recorded: rec.records }
}

/** Writes a job file into a fresh temp dir and returns its path. */
export function jobFile(yaml: string, name = 'job.yaml'): string {
  const file = join(tempDir(), name)
  writeFileSync(file, yaml)
  return file
}

/** One externals cache for the whole test run (built once, like the real one). */
export const CACHE = join(tmpdir(), 'emulator-test-cache')
