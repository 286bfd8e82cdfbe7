import type { HookContext, PrepareJobArgs, PrepareJobResponse } from '@container-hooks/hooklib'
import { loadConfig } from '../config'
import { removeLabelled } from '../driver/cleanup'
import { connect } from '../driver/connect'
import { engineError } from '../driver/engine'
import { startJob } from '../driver/job'
import { planJob } from '../specs/job-plan'
import { newJobId } from '../specs/names'
import { prepareResponse } from '../specs/response'

export async function prepareJob(
  args: PrepareJobArgs,
  ctx: HookContext
): Promise<PrepareJobResponse> {
  const config = loadConfig(ctx.env)
  const deadline = Date.now() + config.prepareTimeoutMs
  const jobId = newJobId()
  const plan = planJob(args, {
    jobId,
    runnerName: config.runnerName,
    existingNetwork: config.network,
    hostEnv: ctx.env
  })
  const docker = connect(config)
  try {
    return prepareResponse(plan, await startJob(docker, plan, config.runnerName, deadline, ctx))
  } catch (err) {
    // A failed prepare leaves nothing behind; cleanup_job may still run and finds nothing.
    await removeLabelled(docker, { runnerName: config.runnerName, jobId }).catch(() => undefined)
    throw engineError(err, 'preparing the job', config)
  }
}
