/** cleanup_job's last log lines of a job pod's containers, one collapsed group each. */
import type { V1Pod } from '@kubernetes/client-node'
import type { HookContext } from '@container-hooks/hooklib'
import { EXTERNALS_CONTAINER, JOB_CONTAINER } from '../specs/job-pod'
import type { KubeClient } from './client'
import { podLogTail } from './pods'

const LOG_LINES = 50

/**
 * Services always; the job container when a step failed or it terminated with a failure; never
 * the externals copy (not a service: it only fills /__e, and prepare_job reported its failure).
 */
function containersToShow(pod: V1Pod, stepFailed: boolean): string[] {
  return (pod.status?.containerStatuses ?? [])
    .filter(s => s.name !== EXTERNALS_CONTAINER)
    .filter(
      s => s.name !== JOB_CONTAINER || stepFailed || (s.state?.terminated?.exitCode ?? 0) !== 0
    )
    .map(s => s.name)
}

export async function printLogs(
  client: KubeClient,
  pod: V1Pod,
  stepFailed: boolean,
  ctx: HookContext
): Promise<void> {
  const name = pod.metadata!.name!
  for (const container of containersToShow(pod, stepFailed)) {
    const text = await podLogTail(client, name, container, LOG_LINES).catch(
      (err: Error) => `(could not read the logs: ${err.message})`
    )
    await ctx.log.group(
      `Logs of ${container === JOB_CONTAINER ? 'the job container' : `service ${container}`} (last ${LOG_LINES} lines)`,
      () => {
        ctx.log.info(text.replace(/\n$/, ''))
        return Promise.resolve()
      }
    )
  }
}
