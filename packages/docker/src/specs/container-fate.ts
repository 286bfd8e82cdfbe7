/**
 * PURE: what happened to the job container under a failed step, from its inspect answer, as
 * the one `::error::` line the step fails with. undefined: the container is fine, the step
 * itself failed.
 */
import { OOM_EXIT_CODE, oomKilledMessage } from '@container-hooks/hooklib'

/** The fields of GET /containers/{id}/json this reads. */
export interface ContainerInspect {
  State?: { Running?: boolean; OOMKilled?: boolean; ExitCode?: number; Status?: string }
  HostConfig?: { Memory?: number }
}

export const JOB_CONTAINER_REMOVED =
  'The job container was removed while the step ran (not by this hook: docker rm, or another cleanup)'

/**
 * `inspect` null: the engine no longer knows the container. `oomCounted`: the container's
 * cgroup counted an OOM kill (the engine's OOMKilled only covers its main process).
 */
export function containerFate(
  inspect: ContainerInspect | null,
  code: number,
  oomCounted = false
): string | undefined {
  if (inspect === null || inspect.State?.Status === 'removing') return JOB_CONTAINER_REMOVED
  const state = inspect.State ?? {}
  if ((state.OOMKilled === true || oomCounted) && code === OOM_EXIT_CODE) {
    return oomKilledMessage(inspect.HostConfig?.Memory ?? 0, 'options: --memory')
  }
  if (state.Running === false) {
    return `The job container stopped while the step ran (${state.Status ?? 'not running'}, its main process exited with code ${state.ExitCode ?? 'unknown'}: killed or stopped by something other than this hook), so the step ended with code ${code}`
  }
  return undefined
}
