/**
 * run_script_step's debugging after the step (hooklib's debugAfterStep), loaded only when
 * ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG or _DEBUG_HOLD_SECONDS is set (it needs dockerode,
 * which script steps otherwise never load, ADR 0002): diagnostics from a throwaway container in
 * the job container's PID and network namespaces, and the hold of a failed job.
 */
import { debugAfterStep, type HookContext } from '@container-hooks/hooklib'
import { randomBytes } from 'node:crypto'
import type { DockerHookConfig } from '../config'
import { connect } from '../driver/connect'
import { inspectJob, runDiagnostics } from '../driver/debug-container'
import { debugCreateOptions, jobReport } from '../specs/debug-container'
import { labels } from '../specs/labels'
import type { DockerState } from '../specs/state'
import { startHold } from './hold'

export interface AfterStep {
  config: DockerHookConfig
  state: DockerState & { container: NonNullable<DockerState['container']> }
  workingDirectory: string
  exitCode: number
}

export function afterStep(step: AfterStep, ctx: HookContext): Promise<void> {
  const { config, state } = step
  const docker = connect(config)
  const name = `ch-${state.jobId}-debug-${randomBytes(3).toString('hex')}`
  return debugAfterStep(
    config.debug,
    step.exitCode,
    {
      diagnose: async signal => {
        const options = debugCreateOptions({
          name,
          image: config.debug.image,
          jobContainer: state.container.id,
          workingDirectory: step.workingDirectory,
          labels: labels(config.runnerName, state.jobId, 'debug')
        })
        const run = await runDiagnostics(docker, options, ctx.log, signal)
        const job = await inspectJob(docker, state.jobId, state.container.id)
        return {
          where: `container ${name}`,
          source: "The job's containers, from the Docker engine",
          report: jobReport(job.containers, job.memory, job.events),
          ...run
        }
      },
      hold: holdSeconds => startHold(docker, config, state, holdSeconds, ctx)
    },
    ctx
  )
}
