/**
 * Labels on everything the hook creates: cleanup finds a job's (and a runner's earlier jobs')
 * containers, networks, volumes and built images by label, with or without a state.
 */
export const LABEL_RUNNER = 'org.container-hooks.runner'
export const LABEL_JOB = 'org.container-hooks.job'
export const LABEL_ROLE = 'org.container-hooks.role'
export const LABEL_ALIAS = 'org.container-hooks.alias'
/** The image as the workflow named it: the engine shows an ID once the tag moves elsewhere. */
export const LABEL_IMAGE = 'org.container-hooks.image'
/** On a failed job's hold marker: when the hold ends (ISO 8601). */
export const LABEL_HOLD_UNTIL = 'org.container-hooks.hold-until'

export type Role = 'job' | 'service' | 'step' | 'network' | 'build' | 'debug' | 'hold' | 'failed'

export function labels(runnerName: string, jobId: string, role: Role): Record<string, string> {
  return { [LABEL_RUNNER]: runnerName, [LABEL_JOB]: jobId, [LABEL_ROLE]: role }
}

/** The engine's list filter for everything this runner created. */
export function runnerFilter(runnerName: string): { label: string[] } {
  return { label: [`${LABEL_RUNNER}=${runnerName}`] }
}
