/**
 * Names and labels of everything the hook creates. All derive from the runner pod's name, so
 * cleanup_job can find a runner's leftovers by label even when its state is null or stale.
 */
import { createHash, randomBytes } from 'node:crypto'

export const MANAGED_BY = 'container-hooks'
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by'
export const LABEL_RUNNER = 'container-hooks.github.io/runner-pod'
export const LABEL_ROLE = 'container-hooks.github.io/role'
/**
 * actions/runner-container-hooks' label on everything it creates, with the runner pod's name:
 * kept so that NetworkPolicies and monitoring written for it select our pods too.
 */
export const LABEL_INCUMBENT_RUNNER = 'runner-pod'
/**
 * Set on the job pod by a failed script step, with its exit code: the runner drops a failed
 * step's response, so the pod carries it to cleanup_job, which then shows the job's logs.
 */
export const ANNOTATION_STEP_FAILED = 'container-hooks.github.io/step-failed'

/** The merge patch that records a failed step on the job pod. */
export function stepFailedPatch(exitCode: number): object {
  return { metadata: { annotations: { [ANNOTATION_STEP_FAILED]: String(exitCode) } } }
}

const MAX_LABEL_VALUE = 63
// Room for "-job-" plus a random suffix inside a 63-character DNS label (hostnames).
const MAX_PREFIX = 44

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8)
}

/** A label value for `text`: kept when valid, else truncated with a hash to stay unique. */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]/g, '-')
  const fits =
    cleaned.length <= MAX_LABEL_VALUE && /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(cleaned)
  if (fits && cleaned === text) return text
  const head = cleaned.slice(0, MAX_LABEL_VALUE - 9).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
  return `${head || 'x'}-${shortHash(text)}`
}

/** The prefix of every object name: the runner pod's name, cut to leave room for a suffix. */
function namePrefix(runnerPod: string): string {
  const lower = runnerPod.toLowerCase().replace(/[^a-z0-9-]/g, '-')
  if (lower.length <= MAX_PREFIX) return lower.replace(/^-+|-+$/g, '') || 'runner'
  return `${lower.slice(0, MAX_PREFIX - 9).replace(/-+$/, '')}-${shortHash(runnerPod)}`
}

/** A fresh object name, `<runner>-<kind>-<random>`, unique per job. */
export function objectName(
  runnerPod: string,
  kind: string,
  suffix = randomBytes(3).toString('hex')
): string {
  return `${namePrefix(runnerPod)}-${kind}-${suffix}`
}

export type ObjectRole = 'job' | 'pull-secret' | 'builder' | 'step' | 'step-env'

export function labelsFor(runnerPod: string, role: ObjectRole): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY,
    [LABEL_RUNNER]: labelValue(runnerPod),
    [LABEL_ROLE]: role,
    [LABEL_INCUMBENT_RUNNER]: labelValue(runnerPod)
  }
}

/** Selects everything this hook created for `runnerPod`. */
export function runnerSelector(runnerPod: string): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_RUNNER}=${labelValue(runnerPod)}`
}
