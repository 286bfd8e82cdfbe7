/** cleanup_job's report: each service's last log lines (and the job container's after a failure). */
import type Docker from 'dockerode'
import type { Logger } from '@container-hooks/hooklib'
import { randomBytes } from 'node:crypto'
import { LABEL_ALIAS, LABEL_IMAGE, LABEL_JOB, LABEL_ROLE, runnerFilter } from '../specs/labels'
import type { DockerState } from '../specs/state'
import { recentLogs } from './containers'
import { failedJobs } from './failed-mark'

export async function printLogs(
  docker: Docker,
  runnerName: string,
  state: DockerState | null,
  log: Logger
): Promise<void> {
  const [containers, failed] = await Promise.all([
    docker.listContainers({ all: true, filters: runnerFilter(runnerName) }),
    failedJobs(docker, runnerName)
  ])
  const current = containers.filter(c => state === null || c.Labels[LABEL_JOB] === state.jobId)
  for (const c of current) {
    const role = c.Labels[LABEL_ROLE]
    if (role !== 'service' && !(role === 'job' && failed.has(c.Labels[LABEL_JOB] ?? ''))) continue
    const image = c.Labels[LABEL_IMAGE] ?? c.Image
    const title =
      role === 'job' ? `job container (${image})` : `service "${c.Labels[LABEL_ALIAS]}" (${image})`
    const logs = await recentLogs(docker, c.Id)
    // A service's output is data, not workflow commands for the runner.
    const token = randomBytes(8).toString('hex')
    await log.group(`Logs of the ${title}`, () => {
      log.info(`::stop-commands::${token}`)
      log.info(logs === '' ? '(no output)' : logs)
      log.info(`::${token}::`)
      return Promise.resolve()
    })
  }
}
