/**
 * What run_script_step does after the step when debugging is on: diagnostics in a collapsed
 * group (ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_DEBUG) and the hold after a failure
 * (_DEBUG_HOLD_SECONDS). Whatever goes wrong here is one warning: the step's result stays the
 * step's own.
 */
import {
  wantsDiagnostics,
  wantsHold,
  type DebugSettings,
  type HookContext
} from '@container-hooks/hooklib'
import { randomBytes } from 'node:crypto'
import type { KubeClient } from '../kube/client'
import { collectDiagnostics, type Diagnostics } from './diagnose'
import { startHold } from './hold'

// The diagnostics take a second or two; this bounds a slow image pull or a hung API.
const DIAGNOSTICS_TIMEOUT_MS = 10_000
// API calls still in flight at the time bound get this long before they are abandoned.
const GRACE_MS = 3_000

export interface AfterStep {
  client: KubeClient
  pod: string
  workingDirectory: string
  exitCode: number
  settings: DebugSettings
}

function print(d: Diagnostics, step: AfterStep, ctx: HookContext): Promise<void> {
  const what = step.exitCode === 0 ? 'the step' : `the failed step (exit code ${step.exitCode})`
  return ctx.log.group(
    `Diagnostics of ${what}: pod ${step.pod}, ephemeral container ${d.container}`,
    () => {
      // Paths and command lines are data, not workflow commands.
      const token = randomBytes(8).toString('hex')
      ctx.log.info(`::stop-commands::${token}`)
      ctx.log.info('### The pod, from the Kubernetes API')
      for (const line of d.report) ctx.log.info(line)
      ctx.log.info('')
      ctx.log.info(d.output === '' ? '(no output from the debug container)' : d.output.trimEnd())
      ctx.log.info(`::${token}::`)
      return Promise.resolve()
    }
  )
}

async function diagnose(step: AfterStep, ctx: HookContext): Promise<string | undefined> {
  const bound = AbortSignal.any([ctx.signal, AbortSignal.timeout(DIAGNOSTICS_TIMEOUT_MS)])
  let timer: NodeJS.Timeout | undefined
  const abandon = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the Kubernetes API did not answer in time')),
      DIAGNOSTICS_TIMEOUT_MS + GRACE_MS
    )
  })
  try {
    const d = await Promise.race([
      collectDiagnostics({
        client: step.client,
        pod: step.pod,
        image: step.settings.image,
        workingDirectory: step.workingDirectory,
        signal: bound
      }),
      abandon
    ])
    await print(d, step, ctx)
    return d.problem
  } finally {
    clearTimeout(timer)
  }
}

export async function afterStep(step: AfterStep, ctx: HookContext): Promise<void> {
  const problems: string[] = []
  if (wantsDiagnostics(step.settings, step.exitCode) && !ctx.signal.aborted) {
    const problem = await diagnose(step, ctx).catch((err: Error) => err.message)
    if (problem) problems.push(`diagnostics: ${problem}`)
  }
  const { holdSeconds } = step.settings
  if (wantsHold(step.settings, step.exitCode) && holdSeconds && !ctx.signal.aborted) {
    await startHold(step.client, step.pod, step.settings.image, holdSeconds, ctx).catch(
      (err: Error) => problems.push(`cannot keep the job pod: ${err.message}`)
    )
  }
  if (problems.length > 0) ctx.log.warning(`Debugging the step: ${problems.join('; ')}`)
}
