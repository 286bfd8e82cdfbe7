/**
 * Keeping a failed job's pod for a person to inspect. run_script_step marks the pod with the
 * hold-until annotation (the runner drops a failed step's response, so the pod carries the
 * memory across hook processes); cleanup_job waits until that time, until a person sets the
 * release annotation, or until the job is cancelled, and then cleans up as usual.
 */
import type { V1Pod } from '@kubernetes/client-node'
import type { HookContext } from '@container-hooks/hooklib'
import type { KubeClient } from '../kube/client'
import { getPod, patchPod, sleep } from '../kube/pods'
import { holdInstructions, holdPatch, holdUntil, releaseCommand } from '../specs/debug-container'

const POLL_MS = 1000

/** Marks the pod and prints how to get a shell in it; a refused patch throws (one warning). */
export async function startHold(
  client: KubeClient,
  pod: string,
  image: string,
  holdSeconds: number,
  ctx: HookContext
): Promise<void> {
  const until = new Date(Date.now() + holdSeconds * 1000)
  await patchPod(client, pod, holdPatch(until))
  for (const line of holdInstructions(client.namespace, pod, image, until)) ctx.log.info(line)
}

/** Resolves when the hold of `pod` is over: time, release annotation, pod gone, or cancel. */
async function waitOne(
  client: KubeClient,
  pod: V1Pod,
  until: Date,
  ctx: HookContext
): Promise<void> {
  const name = pod.metadata!.name!
  ctx.log.info(
    `Keeping job pod ${name} for debugging until ${until.toISOString()}; release it early with: ${releaseCommand(client.namespace, name)}`
  )
  for (;;) {
    const left = until.getTime() - Date.now()
    if (left <= 0) return ctx.log.info(`The hold of job pod ${name} expired`)
    try {
      await sleep(Math.min(POLL_MS, left), ctx.signal)
    } catch {
      return ctx.log.info(`The job was cancelled: ending the hold of job pod ${name}`)
    }
    const current = await getPod(client, name).catch(() => undefined)
    if (current === undefined) return ctx.log.info(`Job pod ${name} is gone: nothing to hold`)
    if (holdUntil(current) === undefined) return ctx.log.info(`Job pod ${name} was released`)
  }
}

/** For cleanup_job: waits out every hold set on the runner's pods. */
export async function waitForHolds(
  client: KubeClient,
  pods: V1Pod[],
  ctx: HookContext
): Promise<void> {
  for (const pod of pods) {
    const until = holdUntil(pod)
    if (until !== undefined && until.getTime() > Date.now()) await waitOne(client, pod, until, ctx)
  }
}
