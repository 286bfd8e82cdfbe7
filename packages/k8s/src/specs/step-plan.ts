/**
 * PURE: the pod of one container step and its env Secret, computed from the input, the saved
 * state and the runner pod's storage; the options and mounts are checked first
 * (stepRequest), before anything is built or created.
 */
import type { V1ContainerStateTerminated, V1Pod, V1Secret } from '@kubernetes/client-node'
import { InputError, StepFailedError, type ContainerStepArgs } from '@container-hooks/hooklib'
import type { K8sConfig } from '../config'
import type { JobState } from '../state'
import { containerOptions, type ContainerOptions } from './container-options'
import type { PodStorage } from './job-pod'
import { labelsFor } from './labels'
import { stepEnv, stepMounts, stepPodSpec, stepTemplate, type StepMount } from './step-pod'
import { mergeTemplate, type PodTemplate } from './template-merge'

/** What the step asks for, validated before anything is built or created. */
export interface StepRequest {
  options: ContainerOptions
  /** The runner's `_work` on the host. */
  workDir: string
  mounts: StepMount[]
}

export function stepRequest(
  args: ContainerStepArgs,
  hostEnv: NodeJS.ProcessEnv,
  state: JobState | undefined,
  envWorkDir: string
): StepRequest {
  const options = containerOptions(args.createOptions, 'args.createOptions', hostEnv)
  const workDir = state?.workDir || envWorkDir
  return { options, workDir, mounts: stepMounts(args, workDir) }
}

export interface StepPlanInput {
  config: Pick<K8sConfig, 'runnerPod' | 'prepareTimeoutMs'>
  /** A fresh name (specs/labels objectName), of the pod and of its env Secret. */
  name: string
  /** Built (a Dockerfile action) or `args.image`. */
  image: string | null | undefined
  storage: PodStorage
  /** Copy mode's sync container runs it (storage.ts runnerImage). */
  runnerImage?: string
  /** The job pod's IP and its service names. */
  services?: { ip: string; names: string[] }
  pullSecrets: string[]
  template?: PodTemplate
}

export interface StepPlan {
  name: string
  pod: V1Pod
  secret: V1Secret
  warnings: string[]
  /** Copy mode: where the sync container copies from and back to. */
  copyFrom?: { workDir: string; mounts: StepMount[] }
}

export function planStepPod(
  args: ContainerStepArgs,
  request: StepRequest,
  input: StepPlanInput
): StepPlan {
  const image = input.image?.trim()
  if (!image)
    throw new InputError('run_container_step needs args.image or args.dockerfile; both are empty')
  const { config, name, storage } = input
  const { options, mounts, workDir } = request
  const env = stepEnv(name, labelsFor(config.runnerPod, 'step-env'), args.environmentVariables)
  const pod = stepPodSpec({
    name,
    labels: labelsFor(config.runnerPod, 'step'),
    image,
    container: args,
    env: env.env,
    mounts,
    storage,
    syncImage: input.runnerImage,
    syncTimeoutSeconds: config.prepareTimeoutMs / 1000,
    pullSecrets: input.pullSecrets,
    services: input.services,
    options
  })
  const warnings =
    options.ignored.length > 0
      ? [
          `These options have no Kubernetes equivalent and were ignored: args.createOptions (${image}): ${options.ignored.join(', ')}`
        ]
      : []
  return {
    name,
    pod: input.template ? mergeTemplate(pod, stepTemplate(input.template)) : pod,
    secret: env.secret,
    warnings,
    ...(storage.mode === 'copy' ? { copyFrom: { workDir, mounts } } : {})
  }
}

/** The failure of a step container that did not exit 0: OOMKilled, StartError… say why. */
export function stepFailure(end: V1ContainerStateTerminated): StepFailedError {
  // "Error" only repeats the exit code.
  const why =
    end.reason && end.reason !== 'Error'
      ? ` (${end.reason}${end.message ? `: ${end.message.trim()}` : ''})`
      : ''
  return new StepFailedError(
    end.exitCode,
    `The container step failed with exit code ${end.exitCode}${why}`
  )
}
