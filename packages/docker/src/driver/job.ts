/** prepare_job's engine work: pull, network, create, start, health, inspect. */
import type Docker from 'dockerode'
import { ConfigError, type HookContext } from '@container-hooks/hooklib'
import type { JobPlan, PlannedContainer } from '../specs/job-plan'
import { labels } from '../specs/labels'
import { createContainer } from './containers'
import { statusOf } from './engine'
import { waitHealthy } from './health'
import { pullImage } from './images'
import { hasShell } from './image-shell'
import { detectAlpine } from './os-release'

export interface StartedContainer {
  id: string
  ports: Docker.ContainerInspectInfo['NetworkSettings']['Ports']
  env: string[]
}

export interface StartedJob {
  container: (StartedContainer & { isAlpine: boolean; shell: boolean }) | null
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

/**
 * Promise.all that waits for every promise to settle before it rejects, so that a failure never
 * leaves a create in flight for the caller's cleanup to miss.
 */
async function settleAll<T>(promises: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(promises)
  const failed = results.find(r => r.status === 'rejected')
  if (failed) throw failed.reason
  return results.map(r => (r as PromiseFulfilledResult<T>).value)
}

function started(info: Docker.ContainerInspectInfo): StartedContainer {
  return { id: info.Id, ports: info.NetworkSettings.Ports, env: info.Config.Env ?? [] }
}

/**
 * Everything at once where the engine allows it. The engine accepts a container create that
 * names a network it does not have yet and checks the network only at start, so the network
 * create (100–250 ms) overlaps the pulls and the creates instead of delaying them: each container
 * is created as soon as its own image is there, and started once the network exists too.
 */
export async function startJob(
  docker: Docker,
  plan: JobPlan,
  runnerName: string,
  dockerConfigDir: string,
  deadline: number,
  ctx: HookContext
): Promise<StartedJob> {
  const all: PlannedContainer[] = [...(plan.container ? [plan.container] : []), ...plan.services]
  const network = ensureNetwork(docker, plan, runnerName)
  // Handled at once: a create can fail before anything awaits the network.
  const networkSettled = network.catch(() => undefined)
  // Distinct images once each: a job often runs the same image twice.
  const pulls = new Map<string, Promise<void>>()
  const pulled = (c: PlannedContainer): Promise<void> => {
    const req = {
      image: c.image,
      registry: c.registry,
      field: `${c.field}.image`,
      dockerConfigDir,
      platform: c.platform
    }
    const pull = pulls.get(c.image) ?? pullImage(docker, req, ctx.log, ctx.signal)
    pulls.set(c.image, pull)
    return pull
  }
  const creates = all.map(async c => {
    await pulled(c)
    ctx.signal.throwIfAborted()
    const container = await createContainer(docker, c.create, c.connect)
    // The archive API reads a created container: the job container's start need not be waited for.
    const job = c === plan.container
    const [isAlpine, shell] = await Promise.all([
      job ? detectAlpine(container) : false,
      job ? hasShell(container) : false,
      network.then(() => (ctx.signal.throwIfAborted(), container.start()))
    ])
    return { id: container.id, description: c.description, isAlpine, shell }
  })
  // A failure still waits for the network, so that the caller's cleanup finds it.
  const created = await settleAll(creates).finally(() => networkSettled)
  for (const c of all) ctx.log.info(`Started the ${c.description}`)
  const containers = (await waitHealthy(docker, created, deadline, ctx.log, ctx.signal)).map(
    started
  )
  return {
    container: plan.container
      ? { ...containers[0], isAlpine: created[0].isAlpine, shell: created[0].shell }
      : null,
    services: plan.container ? containers.slice(1) : containers
  }
}
