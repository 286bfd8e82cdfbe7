/**
 * PURE: a container's `--health-*` options as a Kubernetes startupProbe, keeping Docker's
 * meaning: the check runs in `/bin/sh -c` (CMD-SHELL), a container is unhealthy once
 * `--health-retries` checks failed after `--health-start-period`, and a zero value means
 * Docker's default. The probe runs more often than Docker's interval (at most every
 * MAX_PERIOD_SECONDS) so a job never waits 30 s for a first check; its failureThreshold keeps
 * Docker's time budget (start period + retries × interval) and at least `retries` checks.
 * With restartPolicy Never a failed startup probe kills the container for good, which
 * prepare_job reports.
 */
import type { V1Probe } from '@kubernetes/client-node'
import type { HealthOptions } from '@container-hooks/hooklib'

/** Docker's defaults for a health check whose options leave a value unset (or 0). */
export const DOCKER_HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  startPeriodMs: 0,
  retries: 3
}

export const MAX_PERIOD_SECONDS = 2

/** The `--health-*` flags that only tune a check: alone they would tune the image's own one. */
const TUNING_FLAGS: Array<[keyof HealthOptions, string]> = [
  ['intervalMs', '--health-interval'],
  ['timeoutMs', '--health-timeout'],
  ['retries', '--health-retries'],
  ['startPeriodMs', '--health-start-period']
]

const seconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000))

export function startupProbe(health: HealthOptions): V1Probe | undefined {
  if (health.disabled || health.cmd === undefined) return undefined
  const interval = health.intervalMs || DOCKER_HEALTH_DEFAULTS.intervalMs
  const timeout = health.timeoutMs || DOCKER_HEALTH_DEFAULTS.timeoutMs
  const startPeriod = health.startPeriodMs || DOCKER_HEALTH_DEFAULTS.startPeriodMs
  const retries = health.retries || DOCKER_HEALTH_DEFAULTS.retries
  const period = Math.min(seconds(interval), MAX_PERIOD_SECONDS)
  return {
    exec: { command: ['/bin/sh', '-c', health.cmd] },
    periodSeconds: period,
    timeoutSeconds: seconds(timeout),
    successThreshold: 1,
    // Never fewer checks than docker's retries, never a shorter time than docker's budget.
    failureThreshold: Math.max(
      retries,
      Math.ceil((startPeriod + retries * interval) / (period * 1000))
    ),
    // The job fails anyway: stop an unhealthy container at once instead of after its grace period.
    terminationGracePeriodSeconds: 1
  }
}

/**
 * Health flags that take no effect: tuning flags without `--health-cmd` (they would tune the
 * image's HEALTHCHECK, which Kubernetes cannot read).
 */
export function unusedHealthFlags(health: HealthOptions): string[] {
  if (health.cmd !== undefined || health.disabled) return []
  return TUNING_FLAGS.filter(([key]) => health[key] !== undefined).map(([, flag]) => flag)
}
