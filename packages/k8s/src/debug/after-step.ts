/**
 * run_script_step's debugging after the step (hooklib's debugAfterStep): diagnostics from an
 * ephemeral container (ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG) and the hold of a failed job's
 * pod (_DEBUG_HOLD_SECONDS).
 */
import { debugAfterStep, type DebugSettings, type HookContext } from '@container-hooks/hooklib'
import type { KubeClient } from '../kube/client'
import { collectDiagnostics } from './diagnose'
import { startHold } from './hold'

export interface AfterStep {
  client: KubeClient
  pod: string
  workingDirectory: string
  exitCode: number
  settings: DebugSettings
}

export function afterStep(step: AfterStep, ctx: HookContext): Promise<void> {
  const { client, pod, settings } = step
  return debugAfterStep(
    settings,
    step.exitCode,
    {
      diagnose: async signal => {
        const d = await collectDiagnostics({
          client,
          pod,
          image: settings.image,
          workingDirectory: step.workingDirectory,
          signal
        })
        return {
          where: `pod ${pod}, ephemeral container ${d.container}`,
          source: 'The pod, from the Kubernetes API',
          ...d
        }
      },
      hold: holdSeconds => startHold(client, pod, settings.image, holdSeconds, ctx)
    },
    ctx
  )
}
