/** run_container_step is not part of the Kubernetes hook yet: say so clearly instead of failing oddly. */
import { HookError, type ContainerStepArgs, type HookContext } from '@container-hooks/hooklib'

export function runContainerStep(args: ContainerStepArgs, _ctx: HookContext): Promise<void> {
  const what = args.image ? `docker://${args.image}` : `the Dockerfile ${args.dockerfile ?? ''}`
  return Promise.reject(
    new HookError(
      `Container steps (${what}) are not supported by this version of the Kubernetes hook yet`
    )
  )
}
