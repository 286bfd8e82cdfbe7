import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import {
  InputError,
  joinRunnerArgs,
  StepFailedError,
  type ContainerStepArgs,
  type HookContext,
  type StepResponse
} from '@container-hooks/hooklib'
import { loadConfig, type DockerHookConfig } from '../config'
import { buildImage } from '../driver/build'
import { connect } from '../driver/connect'
import { dockerConfigProxies } from '../driver/docker-config-file'
import { engineError } from '../driver/engine'
import { markStepFailed } from '../driver/failed-mark'
import { pullImage } from '../driver/images'
import { runContainer } from '../driver/step-container'
import { containerCreateOptions, extraNetworks } from '../specs/container-spec'
import { labels } from '../specs/labels'
import { buildTag, runnerJobId, stepContainerName } from '../specs/names'
import { dockerOptions } from '../specs/options'
import { ignoredWarning } from '../specs/options/ignored-flags'
import { readState } from '../specs/state'

/** The runner's rule: the Dockerfile's folder is the build context; relative paths are in the workspace. */
function dockerfilePath(dockerfile: string, config: DockerHookConfig): string {
  const path = isAbsolute(dockerfile)
    ? dockerfile
    : resolve(config.workspace ?? process.cwd(), dockerfile)
  if (!existsSync(path))
    throw new InputError(`dockerfile "${dockerfile}" does not exist (looked at ${path})`)
  return path
}

/** Works with `state: null` (a `docker://` step in a job without container or services). */
export async function runContainerStep(
  args: ContainerStepArgs,
  ctx: HookContext
): Promise<StepResponse | void> {
  const config = loadConfig(ctx.env)
  const state = readState(ctx.state)
  const jobId = state?.jobId ?? runnerJobId(config.runnerName)
  const dockerfile = args.dockerfile ? dockerfilePath(args.dockerfile, config) : null
  const image = dockerfile ? buildTag(dockerfile, jobId) : args.image?.trim()
  if (!image)
    throw new InputError('run_container_step needs args.image or args.dockerfile; both are empty')
  const options = dockerOptions(args.createOptions, 'args.createOptions', {
    env: ctx.env,
    readFile: path => readFileSync(path, 'utf8'),
    proxies: dockerConfigProxies(config, ctx.log)
  })
  if (options.ignored.length > 0)
    ctx.log.warning(ignoredWarning('args.createOptions', options.ignored))
  const input = {
    role: 'step' as const,
    name: stepContainerName(jobId),
    image,
    container: args,
    options,
    labels: labels(config.runnerName, jobId, 'step'),
    network: state?.network?.name,
    aliases: [],
    field: 'args'
  }
  const create = containerCreateOptions(input, joinRunnerArgs(args.entryPointArgs ?? []))
  const docker = connect(config)
  let code: number
  try {
    if (dockerfile)
      await buildImage(
        docker,
        dockerfile,
        image,
        labels(config.runnerName, jobId, 'build'),
        ctx.log,
        ctx.signal
      )
    else
      await pullImage(
        docker,
        {
          image,
          registry: args.registry,
          field: 'args.image',
          dockerConfigDir: config.dockerConfigDir,
          platform: options.platform
        },
        ctx.log,
        ctx.signal
      )
    code = await runContainer(docker, create, extraNetworks(input), ctx)
  } catch (err) {
    throw engineError(err, 'running the container step', config)
  }
  if (code !== 0) {
    await markStepFailed(config, jobId, ctx.log)
    throw new StepFailedError(code)
  }
}
