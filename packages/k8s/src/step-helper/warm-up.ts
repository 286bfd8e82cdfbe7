/**
 * The step helper's warm-up: one exec of `true` in the job container, output dropped, once the
 * pod runs. The first real step then finds the TLS, websocket and exec code compiled instead
 * of paying for it (the first steps of a cold helper took ~100 ms more).
 */
import type { HookState } from '@container-hooks/hooklib'
import { kubeContext } from '../context'
import { execQuiet } from '../kube/exec'
import { readState } from '../state'

const WARM_UP_TIMEOUT_MS = 10_000

export async function warmUp(saved: unknown, env: NodeJS.ProcessEnv): Promise<void> {
  const state = readState(saved as HookState)
  if (!state?.jobContainer) return
  const { client } = await kubeContext(env, state.namespace)
  await execQuiet(client, {
    pod: state.pod,
    container: state.jobContainer,
    command: ['true'],
    signal: AbortSignal.timeout(WARM_UP_TIMEOUT_MS),
    what: 'the warm-up'
  })
}
