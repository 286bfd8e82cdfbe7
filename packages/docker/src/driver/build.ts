/** Builds a Dockerfile action: its folder as the context, streamed as tar; output shown live. */
import { basename, dirname } from 'node:path'
import type Docker from 'dockerode'
import { pack } from 'tar-fs'
import { HookError, type Logger } from '@container-hooks/hooklib'

interface BuildEvent {
  stream?: string
  error?: string
  errorDetail?: { message?: string }
}

export async function buildImage(
  docker: Docker,
  dockerfile: string,
  tag: string,
  labels: Record<string, string>,
  log: Logger,
  signal: AbortSignal
): Promise<void> {
  const context = dirname(dockerfile)
  log.info(`Building ${tag} from ${dockerfile}`)
  const stream = await docker.buildImage(pack(context), {
    t: tag,
    dockerfile: basename(dockerfile),
    labels,
    rm: true,
    forcerm: true,
    abortSignal: signal
  })
  await new Promise<void>((resolve, reject) => {
    let failure: string | undefined
    docker.modem.followProgress(
      stream,
      (err: Error | null) => {
        if (err) reject(err)
        else if (failure !== undefined)
          reject(new HookError(`Building the action's Dockerfile ${dockerfile} failed: ${failure}`))
        else resolve()
      },
      (event: BuildEvent) => {
        if (event.error !== undefined) failure = event.errorDetail?.message ?? event.error
        else if (event.stream !== undefined && event.stream.trim() !== '')
          log.info(event.stream.replace(/\n$/, ''))
      }
    )
  })
}
