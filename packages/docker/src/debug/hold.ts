/**
 * Keeping a failed job's containers for a person to inspect. The runner drops a failed step's
 * response, so run_script_step leaves a marker on the engine instead: a container that is
 * created but never started, labelled with the deadline (and like every object of the hook, so
 * cleanup removes it). cleanup_job waits until the deadline, until a person removes the marker
 * (`docker rm`), or until the job is cancelled, and then cleans up as usual.
 */
import type Docker from 'dockerode'
import { sleepUnlessAborted, type HookContext } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { removeContainer } from '../driver/containers'
import { ignoreMissing } from '../driver/engine'
import { holdInstructions, holdMarkerOptions, holdUntil } from '../specs/debug-container'
import { LABEL_RUNNER, LABEL_ROLE, labels } from '../specs/labels'
import type { DockerState } from '../specs/state'

const POLL_MS = 1000

/** Marks the job as held (again: a later failure moves the deadline) and prints the commands. */
export async function startHold(
  docker: Docker,
  config: DockerHookConfig,
  state: DockerState & { container: NonNullable<DockerState['container']> },
  holdSeconds: number,
  ctx: HookContext
): Promise<void> {
  const until = new Date(Date.now() + holdSeconds * 1000)
  const marker = `ch-${state.jobId}-hold`
  await removeContainer(docker, marker)
  const job = labels(config.runnerName, state.jobId, 'hold')
  await docker.createContainer(holdMarkerOptions(marker, state.container.image, job, until))
  const info = await docker.getContainer(state.container.id).inspect()
  const jobName = info.Name.replace(/^\//, '')
  for (const line of holdInstructions(jobName, marker, config.debug.image, until))
    ctx.log.info(line)
}

/** For cleanup_job: waits out every hold marker of this runner. */
export async function waitForHolds(
  docker: Docker,
  runnerName: string,
  ctx: HookContext
): Promise<void> {
  const markers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_RUNNER}=${runnerName}`, `${LABEL_ROLE}=hold`] }
  })
  for (const m of markers) {
    const until = holdUntil(m.Labels)
    if (until === undefined || until.getTime() <= Date.now()) continue
    const name = m.Names[0]?.replace(/^\//, '') ?? m.Id
    ctx.log.info(
      `Keeping the job's containers for debugging until ${until.toISOString()}; release them early with: docker rm ${name}`
    )
    for (;;) {
      const left = until.getTime() - Date.now()
      if (left <= 0) {
        ctx.log.info('The hold expired')
        break
      }
      if (!(await sleepUnlessAborted(Math.min(POLL_MS, left), ctx.signal))) {
        ctx.log.info('The job was cancelled: ending the hold')
        break
      }
      if ((await ignoreMissing(docker.getContainer(m.Id).inspect())) === undefined) {
        ctx.log.info('The job was released')
        break
      }
    }
  }
}
