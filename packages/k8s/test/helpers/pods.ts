/** Reads the cluster as the hook's own minimal-Role account, to check what the hook did. */
import * as k8s from '@kubernetes/client-node'
import { runnerSelector } from '../../src/specs/labels'
import { clusterEnv, execInPod, kubeConfig, waitFor, type ClusterEnv } from '../support/cluster'
import type { HookState } from '@container-hooks/hooklib'
import type { ChildProcess } from 'node:child_process'
import {
  buildBundle,
  expectSuccess,
  runHook,
  scriptStep,
  startHook,
  workLayout,
  type HookRun,
  type Work
} from './hook'

export interface Cluster {
  env: ClusterEnv
  core: k8s.CoreV1Api
  kc: k8s.KubeConfig
}

export function cluster(): Cluster {
  const env = clusterEnv()
  const kc = kubeConfig(env)
  return { env, kc, core: kc.makeApiClient(k8s.CoreV1Api) }
}

export async function runnerObjects(
  c: Cluster,
  runnerPod = c.env.runnerPod
): Promise<{ pods: string[]; secrets: string[] }> {
  const labelSelector = runnerSelector(runnerPod)
  const [pods, secrets] = await Promise.all([
    c.core.listNamespacedPod({ namespace: c.env.namespace, labelSelector }),
    c.core.listNamespacedSecret({ namespace: c.env.namespace, labelSelector })
  ])
  return {
    pods: pods.items.map(p => p.metadata!.name!),
    secrets: secrets.items.map(s => s.metadata!.name!)
  }
}

/** Waits until the runner has no pod or secret of ours left (deletion takes a few seconds). */
export async function expectNothingLeft(
  c: Cluster,
  timeoutMs = 60_000,
  runnerPod = c.env.runnerPod
): Promise<void> {
  await waitFor(
    'the job pods and secrets to be gone',
    timeoutMs,
    async () => {
      const left = await runnerObjects(c, runnerPod)
      return left.pods.length + left.secrets.length === 0 ? true : undefined
    },
    async () => JSON.stringify(await runnerObjects(c, runnerPod))
  )
}

export function readPod(c: Cluster, name: string): Promise<k8s.V1Pod> {
  return c.core.readNamespacedPod({ name, namespace: c.env.namespace })
}

export interface ClusterJob {
  c: Cluster
  work: Work
}

/**
 * Suite setup for the cluster tests: the cluster as the hook account, a runner `_work` (the
 * claim's host folder unless `workRoot` is given), a fresh bundle, no leftovers before and after.
 */
export function useClusterJob(workRoot?: () => string): ClusterJob {
  const job = {} as ClusterJob
  beforeAll(async () => {
    job.c = cluster()
    job.work = workLayout(workRoot ? workRoot() : job.c.env.workDir)
    buildBundle()
    await runHook('cleanup_job', {}, null, job.work)
    await expectNothingLeft(job.c)
  })
  afterAll(async () => {
    if (job.work) await runHook('cleanup_job', {}, null, job.work)
  })
  return job
}

/** After each test: cleanup_job must succeed and leave no pod or secret of the runner. */
export function cleanUpAfterEach(job: ClusterJob): void {
  afterEach(async () => {
    expectSuccess(await runHook('cleanup_job', {}, null, job.work))
    await expectNothingLeft(job.c)
  })
}

/** Command lines in the job container that belong to a step: its script (forks) or its sleeps. */
export async function stepProcesses(c: Cluster, pod: string, script: string): Promise<string> {
  const found = await execInPod(c.kc, c.env.namespace, pod, 'job', [
    'sh',
    '-c',
    'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done | grep -E "$1|^sleep 30[01]" | grep -v -e container-hooks-ps -e "^grep "; true',
    'container-hooks-ps',
    script
  ])
  return found.stdout
}

export interface SleepingStep {
  child: ChildProcess
  done: Promise<HookRun>
  /** What is left of the step in the pod (stepProcesses). */
  left: () => Promise<string>
}

/** Starts a step that forks long sleeps; resolves once they run in the job pod. */
export async function startSleepingStep(job: ClusterJob, state: HookState): Promise<SleepingStep> {
  const pod = state.pod as string
  const step = scriptStep(job.work, 'sleep 300 & (sleep 301; echo never) & echo started; wait')
  const script = step.entryPointArgs[1]
  const { child, done } = startHook('run_script_step', step, state, job.work)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await waitFor('the step to start', 30_000, () =>
    Promise.resolve(output.includes('started') ? true : undefined)
  )
  const left = (): Promise<string> => stepProcesses(job.c, pod, script)
  expect(await left()).not.toBe('')
  return { child, done, left }
}
