/** Container lifecycle calls shared by the commands. */
import type Docker from 'dockerode'
import { ignoreMissing } from './engine'

const LOG_TAIL_LINES = 50

/** Creates the container, then joins the networks the engine takes only one of at create. */
export async function createContainer(
  docker: Docker,
  create: Docker.ContainerCreateOptions,
  networks: Array<{ network: string; endpoint: Record<string, unknown> }>
): Promise<Docker.Container> {
  const container = await docker.createContainer(create)
  try {
    for (const { network, endpoint } of networks)
      await docker
        .getNetwork(network)
        .connect({ Container: container.id, EndpointConfig: endpoint })
  } catch (err) {
    await removeContainer(docker, container.id)
    throw err
  }
  return container
}

export async function removeContainer(docker: Docker, id: string): Promise<void> {
  await ignoreMissing(docker.getContainer(id).remove({ force: true, v: true }))
}

/** The last lines a container printed (stdout and stderr interleaved), for failure reports. */
export async function recentLogs(
  docker: Docker,
  id: string,
  lines = LOG_TAIL_LINES
): Promise<string> {
  const raw = await ignoreMissing(
    docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false })
  )
  return raw === undefined ? '' : stripFrames(raw)
}

/** logs() without a TTY returns the multiplexed byte format as one buffer. */
function stripFrames(raw: Buffer): string {
  const parts: Buffer[] = []
  let pos = 0
  while (pos + 8 <= raw.length) {
    const size = raw.readUInt32BE(pos + 4)
    parts.push(raw.subarray(pos + 8, pos + 8 + size))
    pos += 8 + size
  }
  return Buffer.concat(parts).toString('utf8').replace(/\n$/, '')
}
