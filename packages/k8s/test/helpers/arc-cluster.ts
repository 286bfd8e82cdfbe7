/**
 * The ARC end-to-end test's side of the cluster, as cluster admin (what the chart and ARC's
 * controller would create): the namespace, each scale set's ServiceAccount, Role and RoleBinding,
 * the runner pods; and the emulator run inside a runner pod.
 */
import * as k8s from '@kubernetes/client-node'
import { randomBytes } from 'node:crypto'
import { runnerSelector } from '../../src/specs/labels'
import { execInPod, podSummary, waitFor } from '../support/cluster'
import {
  arcRole,
  arcRoleBinding,
  arcRunnerPod,
  type RunnerValues,
  type ScaleSet
} from './arc-objects'

export const ARC_NAMESPACE = 'hooks-arc'

export interface Admin {
  kc: k8s.KubeConfig
  core: k8s.CoreV1Api
  rbac: k8s.RbacAuthorizationV1Api
}

export function admin(): Admin {
  const file = process.env.HOOKS_K8S_ADMIN_KUBECONFIG
  if (!file) throw new Error('HOOKS_K8S_ADMIN_KUBECONFIG is not set: eval "$(scripts/k8s/env)"')
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(file)
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api)
  }
}

async function createOrReplace(create: () => Promise<unknown>, replace: () => Promise<unknown>) {
  try {
    await create()
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err
    await replace()
  }
}

/** The namespace, and per scale set its ServiceAccount, exact Role and RoleBinding. */
export async function setUpNamespace(a: Admin, sets: ScaleSet[]): Promise<void> {
  const namespace = ARC_NAMESPACE
  await createOrReplace(
    () => a.core.createNamespace({ body: { metadata: { name: namespace } } }),
    () => Promise.resolve()
  )
  // The API refuses pods in a namespace until its default ServiceAccount exists.
  await waitFor('the default ServiceAccount', 60_000, () =>
    a.core.readNamespacedServiceAccount({ namespace, name: 'default' }).then(
      () => true,
      () => undefined
    )
  )
  for (const set of sets) {
    const name = set.kubeMode
    const role = arcRole(set)
    const binding = arcRoleBinding(set, namespace)
    await createOrReplace(
      () => a.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }),
      () => Promise.resolve()
    )
    await createOrReplace(
      () => a.rbac.createNamespacedRole({ namespace, body: role }),
      () => a.rbac.replaceNamespacedRole({ namespace, name, body: role })
    )
    await createOrReplace(
      () => a.rbac.createNamespacedRoleBinding({ namespace, body: binding }),
      () => a.rbac.replaceNamespacedRoleBinding({ namespace, name, body: binding })
    )
  }
}

/** Creates or replaces a ConfigMap in the namespace. */
export async function applyConfigMap(a: Admin, body: k8s.V1ConfigMap): Promise<void> {
  const name = body.metadata!.name!
  await createOrReplace(
    () => a.core.createNamespacedConfigMap({ namespace: ARC_NAMESPACE, body }),
    () => a.core.replaceNamespacedConfigMap({ namespace: ARC_NAMESPACE, name, body })
  )
}

/** Copies a Secret (the registry credentials of Dockerfile actions) from the test namespace. */
export async function copySecret(a: Admin, from: string, name: string): Promise<void> {
  const secret = await a.core.readNamespacedSecret({ namespace: from, name })
  const body: k8s.V1Secret = { metadata: { name }, type: secret.type, data: secret.data }
  await createOrReplace(
    () => a.core.createNamespacedSecret({ namespace: ARC_NAMESPACE, body }),
    () => a.core.replaceNamespacedSecret({ namespace: ARC_NAMESPACE, name, body })
  )
}

const suffix = (): string => randomBytes(3).toString('hex').slice(0, 5)

/** Creates a runner pod of `set` (named like ARC's: <scale set>-<id>-runner-<id>); waits until it runs. */
export async function startRunnerPod(
  a: Admin,
  set: ScaleSet,
  values: RunnerValues
): Promise<k8s.V1Pod> {
  const namespace = ARC_NAMESPACE
  const name = `${set.name}-${suffix()}-runner-${suffix()}`
  await a.core.createNamespacedPod({ namespace, body: arcRunnerPod(set, name, values) })
  return waitFor(
    `runner pod ${name} to run`,
    120_000,
    async () => {
      const pod = await a.core.readNamespacedPod({ namespace, name })
      return pod.status?.phase === 'Running' ? pod : undefined
    },
    async () => podSummary(await a.core.readNamespacedPod({ namespace, name }))
  )
}

export async function deletePod(a: Admin, name: string): Promise<void> {
  await a.core.deleteNamespacedPod({ namespace: ARC_NAMESPACE, name, gracePeriodSeconds: 1 })
}

export interface JobOutcome {
  file: string
  passed: boolean
  /** The storage modes the hook reported for the job's pods ("Job pod … (volume mode) created"). */
  modes: string[]
  log: string
}

/** Splits the emulator's output at its "PASS|FAIL <file>" lines, one part per job. */
export function jobOutcomes(output: string): JobOutcome[] {
  const outcomes: JobOutcome[] = []
  let log = ''
  for (const line of output.split('\n')) {
    const end = /^(PASS|FAIL) (\S+)$/.exec(line)
    if (!end) {
      log += `${line}\n`
      continue
    }
    const modes = [...log.matchAll(/Job pod \S+ \((\w+) mode\) created/g)].map(m => m[1])
    outcomes.push({ file: end[2], passed: end[1] === 'PASS', modes, log })
    log = ''
  }
  return outcomes
}

/**
 * Runs conformance jobs (file names in packages/emulator/jobs) with the emulator inside the runner pod, as
 * the runner would: the hook is ACTIONS_RUNNER_CONTAINER_HOOKS, `_work` is /home/runner/_work,
 * the environment is the runner container's (in-cluster credentials, ACTIONS_RUNNER_POD_NAME
 * from the downward API).
 */
export async function runJobsInPod(
  a: Admin,
  pod: string,
  jobs: string[],
  timeoutMs: number
): Promise<string> {
  const script =
    'cd /home/runner && exec "$HOOKS_NODE24" emulator/cli.js "$@" ' +
    '--hook "$ACTIONS_RUNNER_CONTAINER_HOOKS" --work-dir /home/runner/_work 2>&1'
  const files = jobs.map(j => `emulator/jobs/${j}`)
  const command = ['sh', '-c', script, 'emulator', ...files]
  const result = await execInPod(a.kc, ARC_NAMESPACE, pod, 'runner', command, timeoutMs)
  return result.stdout + result.stderr
}

/** Waits until the runner pod's job pods and secrets are gone (cleanup_job under ARC's Role). */
export async function expectNothingLeft(a: Admin, runnerPod: string): Promise<void> {
  const namespace = ARC_NAMESPACE
  const labelSelector = runnerSelector(runnerPod)
  const left = async (): Promise<string[]> => {
    const [pods, secrets] = await Promise.all([
      a.core.listNamespacedPod({ namespace, labelSelector }),
      a.core.listNamespacedSecret({ namespace, labelSelector })
    ])
    return [...pods.items, ...secrets.items].map(o => o.metadata!.name!)
  }
  await waitFor(
    `the job pods and secrets of ${runnerPod} to be gone`,
    60_000,
    async () => ((await left()).length === 0 ? true : undefined),
    async () => (await left()).join(', ')
  )
}
