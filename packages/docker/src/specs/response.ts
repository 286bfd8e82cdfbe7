/** PURE: the prepare_job response (index-matched services, engine ports) and the saved state. */
import type { PrepareJobResponse } from '@container-hooks/hooklib'
import type { StartedJob } from '../driver/job'
import type { JobPlan } from './job-plan'
import { publishedPorts } from './ports'
import type { DockerState } from './state'

function pathOf(env: string[]): string | null {
  const entry = env.find(e => e.startsWith('PATH='))
  return entry === undefined ? null : entry.slice('PATH='.length)
}

export function prepareResponse(plan: JobPlan, started: StartedJob): PrepareJobResponse {
  const network = plan.network.name
  const state: DockerState = {
    docker: 1,
    jobId: plan.jobId,
    network: plan.network,
    container:
      plan.container && started.container
        ? {
            id: started.container.id,
            image: plan.container.image,
            path: pathOf(started.container.env),
            shell: started.container.shell
          }
        : null,
    services: plan.services.map((s, i) => ({
      id: started.services[i].id,
      alias: s.alias ?? '',
      image: s.image
    }))
  }
  const services = started.services.map(s => ({
    id: s.id,
    network,
    ports: publishedPorts(s.ports)
  }))
  if (!started.container) return { state, context: { services } }
  const { id, ports, isAlpine } = started.container
  return {
    state,
    context: { container: { id, network, ports: publishedPorts(ports) }, services },
    isAlpine
  }
}
