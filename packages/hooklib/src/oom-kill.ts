/**
 * An OOM-killed step, the same on both hooks: the kernel kills the biggest process of the job
 * container's cgroup (usually the step's, not the container's main process, so neither Docker
 * nor Kubernetes marks the container OOMKilled), and the step's exec ends with 137. The
 * container's own cgroup counter says whether that was an OOM kill.
 */

/** The exit code of a process killed with SIGKILL, as the OOM killer does. */
export const OOM_EXIT_CODE = 137

/** The exit code of OOM_COUNTER_SCRIPT when the container's cgroup counted an OOM kill. */
export const OOM_COUNTED_EXIT = 3

/** `sh -c` script run in the job container: exits OOM_COUNTED_EXIT after an OOM kill (cgroup v1 or v2). */
export const OOM_COUNTER_SCRIPT = [
  'for f in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do',
  `  [ -r "$f" ] && while read -r k v; do [ "$k" = oom_kill ] && [ "$v" -gt 0 ] && exit ${OOM_COUNTED_EXIT}; done < "$f"`,
  'done',
  'exit 0'
].join('\n')

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
}

/**
 * The `::error::` text of an OOM-killed step. `limit`: bytes, or a quantity as configured
 * ("256Mi"); 0 or undefined: no limit, the machine ran out. `setting` says where the limit is set
 * ("options: --memory").
 */
export function oomKilledMessage(limit: number | string | undefined, setting: string): string {
  const shown = typeof limit === 'number' && limit > 0 ? mebibytes(limit) : limit || undefined
  const what =
    typeof shown === 'string'
      ? `the job container's memory limit is ${shown} (${setting})`
      : 'the job container has no memory limit, so the machine itself ran out of memory'
  return `The step was killed for lack of memory (OOM-killed, exit code ${OOM_EXIT_CODE}): ${what}`
}
