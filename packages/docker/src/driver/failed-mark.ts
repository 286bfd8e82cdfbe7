/**
 * The runner drops a failed step's response, state included, so a failed step is recorded on the
 * engine instead: an empty labelled volume per job. cleanup_job finds it by label to show the job
 * container's logs, and removes it with the job's other labelled objects.
 */
import type Docker from 'dockerode'
import type { Logger } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { LABEL_JOB, LABEL_ROLE, labels, runnerFilter } from '../specs/labels'
import { engineCall } from './engine-api'

/**
 * Idempotent (the engine answers a create of an existing local volume with that volume). Never
 * throws: the step's own failure is what the user must see.
 */
export async function markStepFailed(
  config: DockerHookConfig,
  jobId: string,
  log: Logger
): Promise<void> {
  await engineCall(config, {
    method: 'POST',
    path: '/volumes/create',
    body: { Name: `ch-${jobId}-failed`, Labels: labels(config.runnerName, jobId, 'failed') }
  }).catch((err: unknown) =>
    log.warning(`Could not record the failed step on the engine: ${(err as Error).message}`)
  )
}

/** The ids of this runner's jobs that had a failed step. */
export async function failedJobs(docker: Docker, runnerName: string): Promise<Set<string>> {
  const filters = runnerFilter(runnerName)
  filters.label.push(`${LABEL_ROLE}=failed`)
  const { Volumes } = await docker.listVolumes({ filters })
  return new Set((Volumes ?? []).map(v => v.Labels?.[LABEL_JOB]).filter(id => id !== undefined))
}
