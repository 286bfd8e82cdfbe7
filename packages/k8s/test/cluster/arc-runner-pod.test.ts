// End to end, as under actions-runner-controller (issue 13): the conformance jobs (packages/emulator/jobs)
// run INSIDE runner pods shaped like the gha-runner-scale-set chart's, in both container modes,
// one ephemeral runner pod per job as ARC does.
// - Namespace hooks-arc; per scale set EXACTLY ARC's kube-mode ServiceAccount, Role, RoleBinding
//   (helpers/arc-objects.ts): no events, PVC reads or ephemeral containers.
// - The runner image is examples/runner-image/Dockerfile (docs/arc.md), built FROM a local
//   stand-in for the official runner image that also holds the emulator (helpers/arc-image.ts).
// - `kubernetes`: ARC's ephemeral work volume (claim <pod>-work, made by the controller-manager's
//   ephemeral-volume controller, provisioned by a real dynamic provisioner: StorageClass
//   container-hooks-dynamic of scripts/k8s), mounted at /home/runner/_work; the hook must choose
//   volume mode on that claim by itself. `kubernetes-novolume`: no work volume,
//   ACTIONS_RUNNER_IMAGE set; the hook must choose copy mode. Values, init container and pod
//   template come from docs/arc.md (helpers/arc-doc.ts).
// - In-cluster credentials only: the pod's ServiceAccount token and KUBERNETES_SERVICE_HOST (the
//   `kubernetes` Service, routed by scripts/k8s's stand-in for kube-proxy), ACTIONS_RUNNER_POD_NAME
//   from the downward API, no KUBECONFIG.
// Differences from a real ARC pod (each unavoidable here) are marked "Not ARC:" in arc-objects.ts.
// Run: eval "$(scripts/infra/env)"; eval "$(scripts/k8s/env)"
//      cd packages/k8s && flock /tmp/hooks-cluster-tests.lock npx jest test/cluster/arc-runner-pod.test.ts
import { loadJob } from '@container-hooks/emulator'
import type * as k8s from '@kubernetes/client-node'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import {
  admin,
  applyConfigMap,
  ARC_NAMESPACE,
  copySecret,
  deletePod,
  expectNothingLeft,
  jobOutcomes,
  runJobsInPod,
  setUpNamespace,
  startRunnerPod,
  type Admin
} from '../helpers/arc-cluster'
import { buildArcRunnerImage } from '../helpers/arc-image'
import { docRunnerValues, hookTemplateConfigMap } from '../helpers/arc-doc'
import { scaleSet, type ArcMode } from '../helpers/arc-objects'

/** scripts/k8s/manifests/storage-class.yaml: kube-controller-manager's host-path provisioner. */
const DYNAMIC_STORAGE_CLASS = 'container-hooks-dynamic'

const JOB_MS = 120_000
jest.setTimeout(JOB_MS + 120_000)

const JOBS_DIR = resolve(__dirname, '../../../emulator/jobs')
const JOBS = readdirSync(JOBS_DIR).filter(f => f.endsWith('.yaml'))
// The jobs that have a job pod (a job container or services), whose mode the hook reports.
const WITH_POD = JOBS.filter(f => {
  const job = loadJob(join(JOBS_DIR, f))
  return job.container !== undefined || job.services.length > 0
})

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: eval "$(scripts/k8s/env)"`)
  return value
}

// What an admin adds to the runner container for Dockerfile actions (docs/k8s.md): the registry
// and builder settings of scripts/k8s/env, their secret copied into the namespace.
const REGISTRY_ENV: k8s.V1EnvVar[] = [
  'REGISTRY_HOST',
  'REGISTRY_HOST_PUSH',
  'REGISTRY_SECRET_NAME',
  'REGISTRY_INSECURE',
  'BUILDER_IMAGE',
  'BUILDER_ARGS'
].map(v => {
  const name = `ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_${v}`
  return { name, value: required(name) }
})

let a: Admin
const pods: string[] = []

beforeAll(async () => {
  a = admin()
  buildArcRunnerImage()
  await setUpNamespace(a, [scaleSet('kubernetes'), scaleSet('kubernetes-novolume')])
  await copySecret(
    a,
    required('ACTIONS_RUNNER_KUBERNETES_NAMESPACE'),
    required('ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_SECRET_NAME')
  )
  await applyConfigMap(a, hookTemplateConfigMap())
}, 300_000)

afterAll(async () => {
  for (const pod of pods) await deletePod(a, pod).catch(() => undefined)
})

async function expectEphemeralClaim(pod: k8s.V1Pod): Promise<void> {
  const name = `${pod.metadata!.name}-work`
  const claim = await a.core.readNamespacedPersistentVolumeClaim({ namespace: ARC_NAMESPACE, name })
  expect(claim.metadata?.ownerReferences?.[0]).toMatchObject({
    kind: 'Pod',
    name: pod.metadata!.name
  })
  expect(claim.spec?.storageClassName).toBe(DYNAMIC_STORAGE_CLASS)
  expect(claim.status?.phase).toBe('Bound')
  const pv = await a.core.readPersistentVolume({ name: claim.spec!.volumeName! })
  expect(pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by']).toBe(
    'kubernetes.io/host-path'
  )
}

describe.each([
  ['kubernetes', 'volume'],
  ['kubernetes-novolume', 'copy']
] as Array<[ArcMode, string]>)('containerMode.type %s', (mode, storage) => {
  // ARC's runners are ephemeral: one job per runner pod, so each job gets a fresh one.
  test.each(JOBS)(`%s passes inside a runner pod, in ${storage} mode`, async job => {
    const values = docRunnerValues(mode, DYNAMIC_STORAGE_CLASS, REGISTRY_ENV)
    const pod = await startRunnerPod(a, scaleSet(mode), values)
    const name = pod.metadata!.name!
    pods.push(name)
    if (mode === 'kubernetes') await expectEphemeralClaim(pod)

    const output = await runJobsInPod(a, name, [job], JOB_MS)
    const outcomes = jobOutcomes(output)
    if (outcomes.length !== 1) throw new Error(`the emulator did not finish:\n${output}`)
    const [outcome] = outcomes
    if (!outcome.passed) throw new Error(`${job} failed in the ${mode} runner pod:\n${output}`)
    // The mode the hook chose, from its "Job pod … (<mode> mode) created" line.
    expect([...new Set(outcome.modes)]).toEqual(WITH_POD.includes(job) ? [storage] : [])
    await expectNothingLeft(a, name)
    await deletePod(a, name)
  })
})
