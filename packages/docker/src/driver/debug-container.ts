/**
 * Engine calls for debugging a job: the throwaway diagnostics container (run, bounded in time,
 * always removed), and what the engine knows about the job's containers.
 */
import type Docker from 'dockerode'
import type { Logger } from '@container-hooks/hooklib'
import { LABEL_JOB, LABEL_ROLE } from '../specs/labels'
import type { MemoryStats } from '../specs/debug-container'
import { recentLogs, removeContainer } from './containers'
import { existsLocally, pullImage } from './images'

const OUTPUT_LINES = 1000

async function ensureImage(
  docker: Docker,
  image: string,
  log: Logger,
  signal: AbortSignal
): Promise<void> {
  if (await existsLocally(docker, image)) return
  const field = 'ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG_IMAGE'
  await pullImage(docker, { image, registry: null, field }, log, signal)
}

/** Runs the container to its end or until `signal`; its output, and why it is partial. */
export async function runDiagnostics(
  docker: Docker,
  options: Docker.ContainerCreateOptions,
  log: Logger,
  signal: AbortSignal
): Promise<{ output: string; problem?: string }> {
  await ensureImage(docker, options.Image!, log, signal)
  signal.throwIfAborted()
  const container = await docker.createContainer(options)
  try {
    await container.start()
    const stopped = new Promise<'stopped'>(resolve =>
      signal.addEventListener('abort', () => resolve('stopped'), { once: true })
    )
    const ended = await Promise.race([container.wait().then(() => 'ended' as const), stopped])
    const output = await recentLogs(docker, container.id, OUTPUT_LINES)
    return ended === 'ended'
      ? { output }
      : { output, problem: 'the debug container did not finish in time' }
  } finally {
    await removeContainer(docker, container.id)
  }
}

/** The job's containers (job first), the job container's memory, and its oom/die/kill events. */
export async function inspectJob(
  docker: Docker,
  jobId: string,
  jobContainer: string
): Promise<{ containers: Docker.ContainerInspectInfo[]; memory?: MemoryStats; events: string[] }> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_JOB}=${jobId}`] }
  })
  const ids = [jobContainer, ...listed.map(c => c.Id).filter(id => id !== jobContainer)]
  const containers = (
    await Promise.all(
      ids.map(id =>
        docker
          .getContainer(id)
          .inspect()
          .catch(() => undefined)
      )
    )
  ).filter((c): c is Docker.ContainerInspectInfo => c !== undefined)
  // Not the debug container itself, nor step containers or hold markers.
  const relevant = containers.filter(c =>
    ['job', 'service'].includes(c.Config.Labels?.[LABEL_ROLE] ?? 'job')
  )
  const stats = await docker
    .getContainer(jobContainer)
    .stats({ stream: false, 'one-shot': true })
    .catch(() => undefined)
  const memory = stats?.memory_stats as MemoryStats | undefined
  const since = Math.floor(Date.parse(containers[0]?.Created ?? '') / 1000) || undefined
  const events = await jobEvents(docker, jobId, since).catch((err: Error) => [
    `(could not read the events: ${err.message})`
  ])
  return { containers: relevant, memory, events }
}

interface JobEvent {
  Action: string
  time: number
  Actor: { Attributes: Record<string, string> }
}

async function jobEvents(
  docker: Docker,
  jobId: string,
  since: number | undefined
): Promise<string[]> {
  const stream = await docker.getEvents({
    since,
    until: Math.ceil(Date.now() / 1000),
    filters: {
      label: [`${LABEL_JOB}=${jobId}`],
      event: ['oom', 'die', 'kill'],
      type: ['container']
    }
  })
  let text = ''
  for await (const chunk of stream) text += (chunk as Buffer).toString()
  return (
    text
      .split('\n')
      .filter(line => line.trim() !== '')
      .map(line => JSON.parse(line) as JobEvent)
      // Events carry the container's labels: not the debug containers' own.
      .filter(e => ['job', 'service'].includes(e.Actor.Attributes[LABEL_ROLE] ?? 'job'))
      .map(e => {
        const code = e.Actor.Attributes.exitCode
        return `${new Date(e.time * 1000).toISOString()} ${e.Action} ${e.Actor.Attributes.name ?? ''}${code ? ` (exit code ${code})` : ''}`
      })
  )
}
