/** What prepare_job saves and every later command gets back from the runner. */
import type { HookState } from '@container-hooks/hooklib'
import type { StorageMode } from './config'

export interface JobState {
  pod: string
  namespace: string
  storage: StorageMode
  /** HOST path of the runner's `_work` (copy mode syncs it). */
  workDir: string
  /** undefined for a service-only job. */
  jobContainer?: string
  services: string[]
  secret?: string
}

/** The saved state, or undefined when it is null or not ours (stale, another hook's). */
export function readState(state: HookState | null): JobState | undefined {
  if (state === null || typeof state.pod !== 'string' || typeof state.namespace !== 'string')
    return undefined
  if (state.storage !== 'volume' && state.storage !== 'copy') return undefined
  return {
    pod: state.pod,
    namespace: state.namespace,
    storage: state.storage,
    workDir: typeof state.workDir === 'string' ? state.workDir : '',
    jobContainer: typeof state.jobContainer === 'string' ? state.jobContainer : undefined,
    services: Array.isArray(state.services)
      ? state.services.filter(s => typeof s === 'string')
      : [],
    secret: typeof state.secret === 'string' ? state.secret : undefined
  }
}

export function toHookState(state: JobState): HookState {
  return JSON.parse(JSON.stringify(state)) as HookState
}
