// The local cluster for the Kubernetes benchmarks: client-node (from packages/k8s), the
// minimal-Role account's KubeConfig and namespace, after a check of scripts/k8s/env's variables.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './measure.mjs'

const require = createRequire(join(root, 'packages/k8s/package.json'))
export const k8s = await import(pathToFileURL(require.resolve('@kubernetes/client-node')).href)

for (const name of [
  'KUBECONFIG',
  'ACTIONS_RUNNER_KUBERNETES_NAMESPACE',
  'ACTIONS_RUNNER_POD_NAME',
  'HOOKS_K8S_WORK_DIR'
]) {
  if (!process.env[name]) throw new Error(`${name} is not set: eval "$(scripts/k8s/env)" first`)
}
export const NS = process.env.ACTIONS_RUNNER_KUBERNETES_NAMESPACE
export const kc = new k8s.KubeConfig()
kc.loadFromDefault()
export const core = kc.makeApiClient(k8s.CoreV1Api)
export const sleep = t => new Promise(r => setTimeout(r, t))

/** Creates the one-container pod `<prefix>-<random>` (restartPolicy Never); resolves its name. */
export async function createPod(prefix, container, spec = {}) {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`
  await core.createNamespacedPod({
    namespace: NS,
    body: { metadata: { name }, spec: { restartPolicy: 'Never', containers: [container], ...spec } }
  })
  return name
}

export const BUSYBOX = 'container-hooks-test/busybox:1'

/** prepare_job's `container` for a job whose work folder is `work`, mounted at /__w. */
export const jobContainer = (work, extra = {}) => ({
  image: BUSYBOX,
  dockerfile: null,
  entryPoint: null,
  entryPointArgs: [],
  workingDirectory: '/__w/repo/repo',
  createOptions: null,
  registry: null,
  environmentVariables: { HOME: '/github/home' },
  portMappings: [],
  systemMountVolumes: [
    { userProvidedValue: null, sourceVolumePath: work, targetVolumePath: '/__w', readOnly: false }
  ],
  userMountVolumes: [],
  ...extra
})
