/**
 * Reads what became of the job container after a failed step (engine-api.ts: no dockerode on
 * this path). Engine 20.10 leaves State.OOMKilled false when the kernel kills a step's process
 * rather than the container's main one, so for an exit code 137 the container's own cgroup
 * counter (oom_kill, cgroup v1 or v2) is read too, by a sh exec whose exit code is the answer.
 */
import { OOM_COUNTED_EXIT, OOM_COUNTER_SCRIPT, OOM_EXIT_CODE } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { containerFate, type ContainerInspect } from '../specs/container-fate'
import { statusOf } from './engine'
import { engineCall } from './engine-api'
import { execDetached, inspectExec } from './exec-calls'
import { sleep } from './sleep'

// The engine records the container's exit a moment after the exec's process died with it.
const SETTLE_POLLS = 10
const POLL_MS = 50

async function inspectContainer(
  config: DockerHookConfig,
  id: string
): Promise<ContainerInspect | null> {
  try {
    return await engineCall<ContainerInspect>(config, {
      method: 'GET',
      path: `/containers/${encodeURIComponent(id)}/json`
    })
  } catch (err) {
    if (statusOf(err) === 404) return null
    throw err
  }
}

async function countedOomKill(config: DockerHookConfig, containerId: string): Promise<boolean> {
  const execId = await execDetached({ config, containerId }, ['sh', '-c', OOM_COUNTER_SCRIPT])
  for (let i = 0; i < SETTLE_POLLS * 4; i++) {
    const state = await inspectExec(config, execId)
    if (!state.Running && state.ExitCode !== null) return state.ExitCode === OOM_COUNTED_EXIT
    await sleep(POLL_MS)
  }
  return false
}

/** The reason the step failed when it was the job container's, not the step's own. */
export async function jobContainerFate(
  config: DockerHookConfig,
  containerId: string,
  code: number
): Promise<string | undefined> {
  let inspect = await inspectContainer(config, containerId)
  for (let i = 0; code === OOM_EXIT_CODE && i < SETTLE_POLLS && inspect?.State?.Running; i++) {
    await sleep(POLL_MS)
    inspect = await inspectContainer(config, containerId)
  }
  const oom =
    code === OOM_EXIT_CODE && inspect?.State?.Running === true && inspect.State.OOMKilled !== true
      ? await countedOomKill(config, containerId)
      : false
  return containerFate(inspect, code, oom)
}
