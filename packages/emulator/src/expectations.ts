import type { JobSpec, StepExpect } from './job-schema'
import type { JobResult, StepResult } from './results'
import { stepName } from './steps'

function checkStep(label: string, expect: StepExpect, step: StepResult): string[] {
  const problems: string[] = []
  const log = step.lines.join('\n')
  if (expect.result && step.result !== expect.result)
    problems.push(`${label}: result is ${step.result}, expected ${expect.result}`)
  if (expect['exit-code'] !== undefined && step.exitCode !== expect['exit-code']) {
    problems.push(`${label}: exit code is ${step.exitCode}, expected ${expect['exit-code']}`)
  }
  for (const [k, v] of Object.entries(expect.outputs ?? {})) {
    if (step.outputs[k] !== v)
      problems.push(
        `${label}: output ${k} is ${JSON.stringify(step.outputs[k])}, expected ${JSON.stringify(v)}`
      )
  }
  for (const text of expect['stdout-contains'] ?? []) {
    if (!log.includes(text))
      problems.push(`${label}: output does not contain ${JSON.stringify(text)}`)
  }
  for (const text of expect['stdout-not-contains'] ?? []) {
    if (log.includes(text)) problems.push(`${label}: output contains ${JSON.stringify(text)}`)
  }
  const max = expect['max-seconds']
  if (max !== undefined && step.durationMs > max * 1000)
    problems.push(
      `${label}: took ${(step.durationMs / 1000).toFixed(1)}s, expected at most ${max}s`
    )
  return problems
}

/** The job result the steps' expectations imply, unless `expect.result` says otherwise. */
function impliedJobResult(job: JobSpec): 'success' | 'failure' | 'cancelled' {
  const results = job.steps.map(s => s.expect?.result)
  if (results.includes('cancelled')) return 'cancelled'
  return job.expect?.prepare === 'failure' || results.includes('failure') ? 'failure' : 'success'
}

/**
 * What differs from the job's `expect:` blocks; empty means conformant. A step without `expect`
 * must succeed (or be skipped when prepare_job is expected to fail), and cleanup_job must succeed.
 */
export function checkExpectations(job: JobSpec, result: JobResult): string[] {
  const problems: string[] = []
  const jobExpect = job.expect ?? {}
  const expectedResult = jobExpect.result ?? impliedJobResult(job)
  if (result.result !== expectedResult)
    problems.push(`job: result is ${result.result}, expected ${expectedResult}`)
  if (jobExpect.prepare && result.prepare?.result !== jobExpect.prepare) {
    problems.push(
      `prepare_job: result is ${result.prepare?.result ?? 'not run'}, expected ${jobExpect.prepare}`
    )
  }
  const needle = jobExpect['error-contains']
  if (needle && !result.errors.some(e => e.includes(needle))) {
    problems.push(
      `job: no error contains ${JSON.stringify(needle)} (errors: ${JSON.stringify(result.errors)})`
    )
  }
  if (result.cleanup && result.cleanup.result !== 'success')
    problems.push(`cleanup_job: result is ${result.cleanup.result}, expected success`)
  const defaultResult = jobExpect.prepare === 'failure' ? 'skipped' : 'success'
  job.steps.forEach((spec, i) => {
    const expect = spec.expect ?? { result: defaultResult }
    problems.push(...checkStep(`step ${i + 1} (${stepName(spec)})`, expect, result.steps[i]))
  })
  return problems
}
