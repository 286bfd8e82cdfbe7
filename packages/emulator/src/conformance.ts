import { checkExpectations } from './expectations'
import { loadJob } from './job-schema'
import { runJob, type EmulatorOptions } from './run-job'
import type { JobResult } from './results'

export interface ConformanceOutcome {
  file: string
  result: JobResult
  /** Empty when the hook behaved as the job expects. */
  problems: string[]
}

/** Loads a job file, runs it and checks its expectations. */
export async function runConformanceJob(
  file: string,
  options: EmulatorOptions
): Promise<ConformanceOutcome> {
  const job = loadJob(file)
  const result = await runJob(job, options)
  return { file, result, problems: checkExpectations(job, result) }
}
