/**
 * Dockerfile actions: builds the action's folder into an image in an unprivileged builder pod
 * (Kaniko's executor), pushes it to the configured registry and returns what the step pod pulls.
 * The context goes in as one tar stream over exec, the executor runs over exec too (its output
 * streams live into the step log, its exit code comes back), and the builder pod is deleted
 * whatever happens. An image whose context hash is already in the registry is not built again.
 */
import { HookError, InputError, type HookContext } from '@container-hooks/hooklib'
import { statSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { KubeContext } from '../context'
import type { KubeClient } from '../kube/client'
import { exec } from '../kube/exec'
import { createPod, deleteObject, waitRunning } from '../kube/pods'
import { actionImage, actionRepository, type ActionImage } from '../specs/action-image'
import { BUILDER_IMAGE, buildTarget, type BuildTarget } from '../specs/build-target'
import {
  BUILDER_CONTAINER,
  CONTEXT_DIR,
  builderPodSpec,
  executorCommand
} from '../specs/builder-pod'
import { labelsFor, objectName } from '../specs/labels'
import { mergeTemplate } from '../specs/template-merge'
import type { JobState } from '../state'
import { pushDirectory } from '../sync/copy'
import { loadTemplate } from '../template-file'
import { contextHash } from './context-hash'
import { imageExists } from './image-exists'
import { credentialsFor, readRegistrySecret, type Credentials } from './registry-auth'
import { LogTail } from './log-tail'

export interface BuiltImage {
  /** The PULL reference the step pod runs. */
  image: string
  /** The secret for the step pod's imagePullSecrets. */
  pullSecret?: string
}

const ERROR_LINES = 5

function checkDockerfile(dockerfile: string): void {
  let isFile = false
  try {
    isFile = statSync(dockerfile).isFile()
  } catch {
    // reported below
  }
  if (!isFile)
    throw new InputError(
      `Invalid hook input: args.dockerfile ${dockerfile} is not a file on the runner`
    )
}

async function registryCredentials(
  client: KubeClient,
  target: BuildTarget
): Promise<Credentials | undefined> {
  if (target.secret === undefined) return undefined
  return credentialsFor(await readRegistrySecret(client, target.secret), target.pushRegistry)
}

/** Kaniko's executor in the running builder pod, its output live; the last lines on failure. */
async function runExecutor(
  client: KubeClient,
  pod: string,
  ctx: HookContext,
  dockerfile: string,
  image: ActionImage,
  target: BuildTarget
): Promise<void> {
  const output = new LogTail(ctx.stdout)
  const code = await exec(client, {
    pod,
    container: BUILDER_CONTAINER,
    command: executorCommand({
      dockerfile: basename(dockerfile),
      destination: image.push,
      insecureRegistry: target.insecure ? target.pushRegistry : undefined,
      extraArgs: target.builderArgs
    }),
    stdout: output,
    stderr: output,
    signal: ctx.signal,
    what: 'the image build'
  })
  if (code !== 0) {
    const lines = output.last(ERROR_LINES)
    throw new HookError(
      `Building the image of ${dockerfile} failed (the builder exited with code ${code}): ${lines.pop() ?? 'no output'}${lines.length > 0 ? `\nThe lines before it:\n${lines.join('\n')}` : ''}`
    )
  }
}

async function runBuild(
  client: KubeClient,
  kube: KubeContext,
  ctx: HookContext,
  dockerfile: string,
  image: ActionImage,
  target: BuildTarget
): Promise<void> {
  const { config } = kube
  const pod = builderPodSpec({
    name: objectName(config.runnerPod, 'build'),
    labels: labelsFor(config.runnerPod, 'builder'),
    image: target.builderImage,
    secret: target.secret
  })
  const template = loadTemplate(config.templatePath)
  const name = pod.metadata!.name!
  ctx.log.startGroup(`Building ${image.push} from ${dirname(dockerfile)} in pod ${name}`)
  try {
    await createPod(client, template ? mergeTemplate(pod, template) : pod)
    await waitRunning(client, name, config.prepareTimeoutMs, ctx.signal).catch((err: Error) => {
      if (ctx.signal.aborted) throw err
      throw new HookError(
        `The builder pod did not start (${BUILDER_IMAGE}=${target.builderImage}): ${err.message}`
      )
    })
    await pushDirectory(
      {
        client,
        pod: name,
        container: BUILDER_CONTAINER,
        hostDir: dirname(dockerfile),
        signal: ctx.signal
      },
      CONTEXT_DIR
    )
    await runExecutor(client, name, ctx, dockerfile, image, target)
  } finally {
    ctx.log.endGroup()
    // A failed delete must not hide how the build ended; cleanup_job finds the pod by label.
    await deleteObject(client, 'pods', name).catch((err: Error) =>
      ctx.log.warning(`Could not delete the builder pod ${name}: ${err.message}`)
    )
  }
}

export async function buildActionImage(
  dockerfile: string,
  kube: KubeContext,
  ctx: HookContext,
  state: JobState | undefined
): Promise<BuiltImage> {
  const target = buildTarget(kube.config.build)
  checkDockerfile(dockerfile)
  const client =
    state && state.namespace !== kube.client.namespace
      ? kube.client.in(state.namespace)
      : kube.client
  const credentials = await registryCredentials(client, target)
  const hash = contextHash(dirname(dockerfile), [
    basename(dockerfile),
    target.builderImage,
    ...target.builderArgs
  ])
  const image = actionImage(target, actionRepository(dockerfile, ctx.env), hash)
  const built = { image: image.pull, pullSecret: target.secret }
  const exists = await imageExists({
    registry: target.pushRegistry,
    repository: image.pushPath,
    tag: image.tag,
    insecure: target.insecure,
    credentials,
    signal: ctx.signal
  })
  if (exists) {
    ctx.log.info(
      `Using ${image.pull}: the registry has the image of this Dockerfile action's context`
    )
    return built
  }
  await runBuild(client, kube, ctx, dockerfile, image, target)
  return built
}
