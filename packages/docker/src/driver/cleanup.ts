/** Removes what the hook created, found by label: one job's objects or all of a runner's. */
import type Docker from 'dockerode'
import { LABEL_JOB, LABEL_RUNNER } from '../specs/labels'
import { removeContainer } from './containers'
import { ignoreMissing } from './engine'

export interface Scope {
  runnerName: string
  /** Only this job's objects; undefined: everything of the runner (earlier jobs' leftovers too). */
  jobId?: string
}

function filters(scope: Scope): { label: string[] } {
  const label = [`${LABEL_RUNNER}=${scope.runnerName}`]
  if (scope.jobId !== undefined) label.push(`${LABEL_JOB}=${scope.jobId}`)
  return { label }
}

/**
 * Containers first (they hold the network and their anonymous volumes, removed with them), then
 * networks and any labelled anonymous volume a crash left behind, then built images.
 */
export async function removeLabelled(docker: Docker, scope: Scope): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: filters(scope) })
  await Promise.all(containers.map(c => removeContainer(docker, c.Id)))
  const [networks, volumes] = await Promise.all([
    docker.listNetworks({ filters: filters(scope) }),
    docker.listVolumes({ filters: filters(scope) })
  ])
  await Promise.all([
    ...networks.map(n => ignoreMissing(docker.getNetwork(n.Id).remove())),
    ...(volumes.Volumes ?? []).map(v => ignoreMissing(docker.getVolume(v.Name).remove()))
  ])
  const images = await docker.listImages({ filters: filters(scope) })
  await Promise.all(images.map(i => ignoreMissing(docker.getImage(i.Id).remove({ force: true }))))
}
