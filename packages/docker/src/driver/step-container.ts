/** A container step: create, attach, start, stream, wait, remove; stopped on cancellation. */
import { pipeline } from 'node:stream/promises'
import type Docker from 'dockerode'
import type { HookContext } from '@container-hooks/hooklib'
import { createContainer, removeContainer } from './containers'
import { demuxer } from './demux'

const STOP_GRACE_SECONDS = 3

export async function runContainer(
  docker: Docker,
  options: Docker.ContainerCreateOptions,
  networks: Array<{ network: string; endpoint: Record<string, unknown> }>,
  ctx: Pick<HookContext, 'log' | 'signal' | 'stdout' | 'stderr'>
): Promise<number> {
  const { log, signal } = ctx
  signal.throwIfAborted()
  const container = await createContainer(docker, options, networks)
  const onAbort = (): void => {
    log.info('Stopping the step container')
    container.stop({ t: STOP_GRACE_SECONDS }).catch(() => undefined)
  }
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true })
    const output = pipeline(stream, demuxer(ctx.stdout, ctx.stderr))
    // next-exit: the container is not running yet, and `not-running` would answer at once.
    const exited = container.wait({ condition: 'next-exit' })
    signal.addEventListener('abort', onAbort, { once: true })
    await container.start()
    const [{ StatusCode }] = (await Promise.all([exited, output])) as [{ StatusCode: number }, void]
    signal.throwIfAborted()
    return StatusCode
  } finally {
    signal.removeEventListener('abort', onAbort)
    await removeContainer(docker, container.id)
  }
}
