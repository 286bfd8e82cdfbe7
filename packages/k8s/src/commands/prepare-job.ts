/**
 * prepare_job: one pod with the job container and the services (their `options:` mapped), its
 * pull secret, healthy services, `_work` on the claim or copied in, then the response
 * (index-matched services, isAlpine).
 */
import type { HookContext, PrepareJobArgs, PrepareJobResponse } from '@container-hooks/hooklib'
import { kubeContext, type KubeContext } from '../context'
import { detectAlpine } from '../kube/alpine'
import { healthStopped, waitHealthy } from '../kube/health'
import { createPod, createSecret, deleteObject, waitRunning } from '../kube/pods'
import { runnerSetup } from '../kube/runner-setup'
import { planJob, registryPasswords, type JobPlan } from '../specs/job-plan'
import { objectName } from '../specs/labels'
import { toHookState } from '../state'
import { startHelper, warmHelper } from '../step-helper/launch'
import { envWorkDir, runnerImage } from '../storage'
import { copyTarget, pushAll } from '../sync/copy'
import { loadTemplate } from '../template-file'

async function plan(args: PrepareJobArgs, kube: KubeContext, ctx: HookContext): Promise<JobPlan> {
  const { config, client } = kube
  const template = loadTemplate(config.templatePath)
  const { runner, storage, accessModes } = await runnerSetup(kube)
  return planJob(args, {
    config,
    namespace: client.namespace,
    hostEnv: ctx.env,
    envWorkDir: envWorkDir(ctx.env),
    names: {
      pod: objectName(config.runnerPod, 'job'),
      secret: objectName(config.runnerPod, 'pull')
    },
    storage,
    accessModes,
    runnerImage: runnerImage(config, runner),
    template
  })
}

/** Creates the planned objects and waits for a running, healthy pod with `_work` in place. */
async function startJob(
  plan: JobPlan,
  { config, client }: KubeContext,
  ctx: HookContext
): Promise<void> {
  const { state } = plan
  if (plan.secret) await createSecret(client, plan.secret)
  await createPod(client, plan.pod)
  ctx.log.info(
    `Job pod ${state.pod} (${state.storage} mode) created in namespace ${client.namespace}`
  )
  // One bound for the pod to run and its health checks to pass, as under Docker.
  const deadline = Date.now() + config.prepareTimeoutMs
  const running = await waitRunning(
    client,
    state.pod,
    config.prepareTimeoutMs,
    ctx.signal,
    healthStopped
  )
  await waitHealthy(client, running, deadline, ctx.log, ctx.signal)
  if (state.storage === 'copy' && state.jobContainer) {
    const started = Date.now()
    await pushAll(copyTarget(client, state, ctx.signal))
    ctx.log.debug(`Copied the runner's _work into the pod in ${Date.now() - started} ms`)
  }
}

export async function prepareJob(
  args: PrepareJobArgs,
  ctx: HookContext
): Promise<PrepareJobResponse> {
  for (const password of registryPasswords(args)) ctx.log.addMask(password)
  const kube = await kubeContext(ctx.env, undefined, ctx.log)
  const { config, client } = kube
  const job = await plan(args, kube, ctx)
  const { state } = job
  for (const warning of job.warnings) ctx.log.warning(warning)
  // Started first, so that it is listening, warm, by the time the first step comes.
  const helper =
    config.stepHelper && state.jobContainer ? startHelper(state.pod, ctx.env) : undefined
  try {
    await startJob(job, kube, ctx)
    const isAlpine = state.jobContainer
      ? await detectAlpine(client, state.pod, state.jobContainer, ctx.signal)
      : false
    if (helper) await warmHelper(state.pod, state)
    return { state: toHookState(state), ...job.response, isAlpine }
  } catch (err) {
    // Nothing leaks from a failed prepare_job, even before cleanup_job runs.
    helper?.kill()
    await Promise.allSettled([
      deleteObject(client, 'pods', state.pod),
      ...(state.secret ? [deleteObject(client, 'secrets', state.secret)] : [])
    ])
    throw err
  }
}
