/** prepare_job's engine work: pull, network, create, start, health, inspect. */
import type Docker from 'dockerode'
import { ConfigError, type HookContext } from '@container-hooks/hooklib'
import type { JobPlan, PlannedContainer } from '../specs/job-plan'
import { labels } from '../specs/labels'
import { statusOf } from './engine'
import { waitHealthy } from './health'
import { pullImage } from './images'
import { detectAlpine } from './os-release'

export interface StartedContainer {
  id: string
  ports: Docker.ContainerInspectInfo['NetworkSettings']['Ports']
  env: string[]
}

export interface StartedJob {
  container: (StartedContainer & { isAlpine: boolean }) | null
  services: StartedContainer[]
}

async function ensureNetwork(docker: Docker, plan: JobPlan, runnerName: string): Promise<void> {
  const { name, owned } = plan.network
  if (owned) {
    await docker.createNetwork({
      Name: name,
      CheckDuplicate: true,
      Labels: labels(runnerName, plan.jobId, 'network')
    })
    return
  }
  try {
    await docker.getNetwork(name).inspect()
  } catch (err) {
    if (statusOf(err) === 404) {
      throw new ConfigError(
        `ACTIONS_RUNNER_NETWORK_DRIVER names the network "${name}", which does not exist; create it or unset the variable`
      )
    }
    throw err
  }
}

async function inspect(container: Docker.Container): Promise<StartedContainer> {
  const info = await container.inspect()
  return { id: info.Id, ports: info.NetworkSettings.Ports, env: info.Config.Env ?? [] }
}

export async function startJob(
  docker: Docker,
  plan: JobPlan,
  runnerName: string,
  deadline: number,
  ctx: HookContext
): Promise<StartedJob> {
  const all: PlannedContainer[] = [...(plan.container ? [plan.container] : []), ...plan.services]
  // Distinct images once each: a job often runs the same image twice.
  const images = new Map(all.map(c => [c.image, c]))
  await Promise.all([
    ...[...images.values()].map(c =>
      pullImage(
        docker,
        { image: c.image, registry: c.registry, field: `${c.field}.image` },
        ctx.log,
        ctx.signal
      )
    ),
    ensureNetwork(docker, plan, runnerName)
  ])
  ctx.signal.throwIfAborted()
  const created = await Promise.all(all.map(c => docker.createContainer(c.create)))
  await Promise.all(created.map(c => c.start()))
  for (const c of all) ctx.log.info(`Started the ${c.description}`)
  const watched = all.map((c, i) => ({ id: created[i].id, description: c.description }))
  const [started, isAlpine] = await Promise.all([
    waitHealthy(docker, watched, deadline, ctx.log, ctx.signal).then(() =>
      Promise.all(created.map(inspect))
    ),
    plan.container ? detectAlpine(created[0]) : Promise.resolve(false)
  ])
  return {
    container: plan.container ? { ...started[0], isAlpine } : null,
    services: plan.container ? started.slice(1) : started
  }
}
