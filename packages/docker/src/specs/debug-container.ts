/**
 * PURE: the throwaway container that prints diagnostics about the job container (it joins its
 * PID and network namespaces and mounts its volumes read-only), what the hook reports about the
 * job's containers from the engine, and the hold marker with the commands a person runs meanwhile.
 */
import type Docker from 'dockerode'
import { diagnosticsCommand } from '@container-hooks/hooklib'
import { LABEL_HOLD_UNTIL } from './labels'

export function debugCreateOptions(input: {
  name: string
  image: string
  jobContainer: string
  workingDirectory: string
  labels: Record<string, string>
}): Docker.ContainerCreateOptions {
  const [entrypoint, ...args] = diagnosticsCommand(input.workingDirectory)
  const job = input.jobContainer
  return {
    name: input.name,
    Image: input.image,
    Entrypoint: [entrypoint],
    Cmd: args,
    Labels: input.labels,
    HostConfig: {
      PidMode: `container:${job}`,
      NetworkMode: `container:${job}`,
      VolumesFrom: [`${job}:ro`]
    }
  }
}

function describe(info: Docker.ContainerInspectInfo): string {
  const s = info.State
  const state =
    s.Status === 'running'
      ? `running since ${s.StartedAt}`
      : `${s.Status} with exit code ${s.ExitCode}${s.Error ? ` (${s.Error})` : ''}`
  const limit = info.HostConfig.Memory ? `${info.HostConfig.Memory} bytes` : 'none'
  return `container ${info.Name.replace(/^\//, '')}: ${state}; OOM-killed ${s.OOMKilled ? 'yes' : 'no'}; restarts ${info.RestartCount}; memory limit ${limit}`
}

export interface MemoryStats {
  usage?: number
  limit?: number
  failcnt?: number
}

/** What the engine says about the job's containers: states, OOM kills, memory, events. */
export function jobReport(
  containers: Docker.ContainerInspectInfo[],
  memory: MemoryStats | undefined,
  events: string[]
): string[] {
  const lines = containers.map(describe)
  if (memory?.usage !== undefined) {
    const mib = (n: number): string => `${(n / 1048576).toFixed(1)} MiB`
    lines.push(
      `job container memory: ${mib(memory.usage)} used of ${memory.limit ? mib(memory.limit) : '?'}${memory.failcnt ? `, limit hit ${memory.failcnt} times` : ''}`
    )
  }
  const oom = containers.filter(c => c.State.OOMKilled)
  lines.push(
    oom.length > 0
      ? `OOM: ${oom.map(c => c.Name.replace(/^\//, '')).join(', ')} killed for exceeding the memory limit`
      : 'OOM: no container of the job was OOM-killed'
  )
  lines.push(
    ...(events.length > 0
      ? ['events (oom, die, kill):', ...events.slice(-10).map(e => `  ${e}`)]
      : ['events (oom, die, kill): none'])
  )
  return lines
}

/** The hold marker: a container that is created, never started, and labelled with the deadline. */
export function holdMarkerOptions(
  name: string,
  image: string,
  labels: Record<string, string>,
  until: Date
): Docker.ContainerCreateOptions {
  return {
    name,
    Image: image,
    Entrypoint: ['true'],
    Labels: { ...labels, [LABEL_HOLD_UNTIL]: until.toISOString() }
  }
}

export function holdUntil(labels: Record<string, string>): Date | undefined {
  const until = Date.parse(labels[LABEL_HOLD_UNTIL] ?? '')
  return Number.isNaN(until) ? undefined : new Date(until)
}

/** What a person runs to look inside the held job container, and to let the job finish. */
export function holdInstructions(
  jobContainer: string,
  marker: string,
  image: string,
  until: Date
): string[] {
  const ns = `--pid container:${jobContainer} --network container:${jobContainer}`
  return [
    `The job container ${jobContainer} is kept until ${until.toISOString()} for debugging. Get a shell in it:`,
    `  docker run --rm -it ${ns} --volumes-from ${jobContainer} ${image} sh`,
    `  docker exec -it ${jobContainer} sh    (when the job image has a shell)`,
    `The job container's files are under /proc/1/root in the debug shell. Release it early with:`,
    `  docker rm ${marker}`
  ]
}
