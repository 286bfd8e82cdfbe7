/**
 * Runs a created step pod to its end: in copy mode the files go in through the sync container
 * before the step may start and come back after it exited; the step's output is streamed live;
 * resolves how the step container terminated.
 */
import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node'
import { HookError, type ConnectionWatch, type HookContext } from '@container-hooks/hooklib'
import type { KubeClient } from './client'
import { execQuiet } from './exec'
import { followLog } from './logs'
import { getPod, POLL_MS, sleep, startFailure, waitPod } from './pods'
import {
  STEP_CONTAINER,
  SYNC_CONTAINER,
  SYNC_READY,
  syncRoots,
  type StepMount
} from '../specs/step-pod'
import { pullChanges, pushRoots, type SyncTarget } from '../sync/copy'

export interface StepPodRun {
  client: KubeClient
  pod: string
  /** Copy mode: where the sync container copies from and back to. */
  copyFrom?: { workDir: string; mounts: StepMount[] }
  timeoutMs: number
  /** How long the log stream may go without an answer from the API (config.reconnectMs). */
  reconnectMs: number
  /** Rides out a lost connection while the pod starts. */
  watch: ConnectionWatch
}

function started(pod: V1Pod): boolean {
  const state = pod.status?.containerStatuses?.find(s => s.name === STEP_CONTAINER)?.state
  return state?.running !== undefined || state?.terminated !== undefined
}

async function syncExec(target: SyncTarget, command: string[], what: string): Promise<number> {
  return execQuiet(target.client, {
    pod: target.pod,
    container: target.container,
    command,
    signal: target.signal,
    what
  })
}

/**
 * The sync container's postStart holds the kubelet (and so the pod's status) until SYNC_READY
 * exists: whether it runs is seen by exec'ing into it, until the pod cannot start.
 */
async function waitSync(target: SyncTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const pod = await getPod(target.client, target.pod)
    const failure = startFailure(pod)
    if (failure) throw new HookError(`Step pod ${target.pod} failed to start: ${failure}`)
    if (pod.spec?.nodeName) {
      const ok = await syncExec(target, ['true'], 'the sync container check').then(
        code => code === 0,
        (err: Error & { status?: number }) => {
          if (err.status === 401 || err.status === 403 || target.signal?.aborted) throw err
          return false
        }
      )
      if (ok) return
    }
    if (Date.now() > deadline)
      throw new HookError(
        `Step pod ${target.pod} was not running after ${Math.round(timeoutMs / 1000)} s (ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS)`
      )
    await sleep(POLL_MS, target.signal)
  }
}

async function timed<T>(what: string, ctx: HookContext, work: () => Promise<T>): Promise<T> {
  const startedAt = Date.now()
  const result = await work()
  ctx.log.debug(`${what} in ${Date.now() - startedAt} ms`)
  return result
}

export async function runStepPod(
  run: StepPodRun,
  ctx: HookContext
): Promise<V1ContainerStateTerminated> {
  const { client, pod, copyFrom } = run
  const sync: SyncTarget | undefined = copyFrom && {
    client,
    pod,
    container: SYNC_CONTAINER,
    hostDir: copyFrom.workDir,
    signal: ctx.signal
  }
  if (sync) {
    await waitSync(sync, run.timeoutMs)
    await timed('Copied the step files into the pod', ctx, () =>
      pushRoots(sync, syncRoots(copyFrom!.mounts))
    )
    if ((await syncExec(sync, ['touch', SYNC_READY], 'releasing the step')) !== 0)
      throw new HookError(`Could not release the step in pod ${pod}: touch ${SYNC_READY} failed`)
  }
  await run.watch.call(() => waitPod(client, pod, 'Step pod', started, run.timeoutMs, ctx.signal))
  const end = await followLog({
    client,
    pod,
    container: STEP_CONTAINER,
    out: ctx.stdout,
    signal: ctx.signal,
    log: ctx.log,
    reconnectMs: run.reconnectMs
  })
  if (sync) {
    const changed = await timed('Copied the changes out of the step pod', ctx, () =>
      pullChanges(sync)
    )
    ctx.log.debug(`Changed by the step: ${changed.slice(0, 10).join(', ') || 'nothing'}`)
  }
  return end
}
