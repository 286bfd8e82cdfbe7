import type { CleanupJobArgs, HookContext } from '@container-hooks/hooklib'
import { loadConfig } from '../config'
import { removeLabelled } from '../driver/cleanup'
import { connect } from '../driver/connect'
import { engineError } from '../driver/engine'
import { printLogs } from '../driver/job-logs'
import { readStateForCleanup } from '../specs/state'
import { waitForHolds } from '../debug/hold'

/** Idempotent; works from labels when the state is null or stale. */
export async function cleanupJob(_args: CleanupJobArgs, ctx: HookContext): Promise<void> {
  const config = loadConfig(ctx.env)
  const docker = connect(config)
  const state = readStateForCleanup(ctx.state, ctx.log)
  try {
    await waitForHolds(docker, config.runnerName, ctx)
    await printLogs(docker, config.runnerName, state, ctx.log)
    await removeLabelled(docker, { runnerName: config.runnerName })
  } catch (err) {
    throw engineError(err, 'cleaning up the job', config)
  }
}
