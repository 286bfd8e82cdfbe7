import { readFileSync } from 'node:fs'
import type { HookContext, PrepareJobArgs, PrepareJobResponse } from '@container-hooks/hooklib'
import { loadConfig } from '../config'
import { removeLabelled } from '../driver/cleanup'
import { connect } from '../driver/connect'
import { dockerConfigProxies } from '../driver/docker-config-file'
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
    hostEnv: ctx.env,
    readFile: path => readFileSync(path, 'utf8'),
    proxies: dockerConfigProxies(config, ctx.log)
  })
  for (const c of [...(plan.container ? [plan.container] : []), ...plan.services])
    if (c.warning) ctx.log.warning(c.warning)
  const docker = connect(config)
  try {
    return prepareResponse(
      plan,
      await startJob(docker, plan, config.runnerName, config.dockerConfigDir, deadline, ctx)
    )
  } catch (err) {
    // A failed prepare leaves nothing behind; cleanup_job may still run and finds nothing.
    await removeLabelled(docker, { runnerName: config.runnerName, jobId }).catch(() => undefined)
    throw engineError(err, 'preparing the job', config)
  }
}
