// Proves that the local cluster (scripts/k8s/up) does what the Kubernetes hook relies on, through
// @kubernetes/client-node and only the minimal Role (scripts/k8s/manifests/role.yaml).
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster-smoke.test.ts
import * as k8s from '@kubernetes/client-node'
import {
  ClusterEnv,
  clusterEnv,
  execInPod,
  kubeConfig,
  podSummary,
  uniqueName,
  waitFor
} from './support/cluster'

const LOCAL_IMAGE = 'container-hooks-test/busybox:1'
const KEEP_ALIVE = [
  'sh',
  '-c',
  'trap "exit 0" TERM INT; echo smoke-log-line; while :; do sleep 3600 & wait; done'
]
const POD_TIMEOUT = 90_000

jest.setTimeout(180_000)

let env: ClusterEnv
let kc: k8s.KubeConfig
let core: k8s.CoreV1Api
const createdPods: string[] = []
const createdSecrets: string[] = []

function registryEnv(): { image: string; user: string; password: string; server: string } {
  const names = [
    'HOOKS_REGISTRY',
    'HOOKS_REGISTRY_USER',
    'HOOKS_REGISTRY_PASSWORD',
    'HOOKS_REGISTRY_IMAGE'
  ]
  const missing = names.filter(name => !process.env[name])
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: run scripts/k8s/up, then eval "$(scripts/k8s/env)"`
    )
  }
  return {
    server: process.env.HOOKS_REGISTRY!,
    user: process.env.HOOKS_REGISTRY_USER!,
    password: process.env.HOOKS_REGISTRY_PASSWORD!,
    image: process.env.HOOKS_REGISTRY_IMAGE!
  }
}

async function createPod(name: string, spec: Partial<k8s.V1PodSpec> = {}): Promise<void> {
  createdPods.push(name)
  await core.createNamespacedPod({
    namespace: env.namespace,
    body: {
      metadata: { name, labels: { 'app.kubernetes.io/part-of': 'container-hooks-smoke-test' } },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'main', image: LOCAL_IMAGE, imagePullPolicy: 'Never', command: KEEP_ALIVE }
        ],
        ...spec
      }
    }
  })
}

async function readPod(name: string): Promise<k8s.V1Pod> {
  return core.readNamespacedPod({ name, namespace: env.namespace })
}

async function waitRunning(name: string): Promise<k8s.V1Pod> {
  return waitFor(
    `pod ${name} to be Running`,
    POD_TIMEOUT,
    async () => {
      const pod = await readPod(name)
      if (pod.status?.phase === 'Failed') throw new Error(`pod ${name} failed: ${podSummary(pod)}`)
      return pod.status?.phase === 'Running' ? pod : undefined
    },
    async () => podSummary(await readPod(name))
  )
}

beforeAll(async () => {
  env = clusterEnv()
  kc = kubeConfig(env)
  core = kc.makeApiClient(k8s.CoreV1Api)
  // Fails the whole suite at once when the cluster is down or the account lacks its Role.
  const runner = await core.readNamespacedPod({ name: env.runnerPod, namespace: env.namespace })
  expect(runner.status?.phase).toBe('Running')
})

afterAll(async () => {
  if (!core) return
  await Promise.allSettled([
    ...createdPods.map(name =>
      core.deleteNamespacedPod({ name, namespace: env.namespace, gracePeriodSeconds: 0 })
    ),
    ...createdSecrets.map(name => core.deleteNamespacedSecret({ name, namespace: env.namespace }))
  ])
})

describe('local cluster, as the minimal-Role hook account', () => {
  const podName = uniqueName('smoke')

  test('runs a pod with a local image', async () => {
    await createPod(podName)
    const pod = await waitRunning(podName)
    expect(pod.spec?.nodeName).toBe(env.nodeName)
  })

  test('exec returns the command exit code and output', async () => {
    const failed = await execInPod(kc, env.namespace, podName, 'main', [
      'sh',
      '-c',
      'echo out; echo err >&2; exit 7'
    ])
    expect(failed).toEqual({ exitCode: 7, stdout: 'out\n', stderr: 'err\n' })
    const ok = await execInPod(kc, env.namespace, podName, 'main', ['true'])
    expect(ok.exitCode).toBe(0)
  })

  test('reads pod logs', async () => {
    const logs = await waitFor('the log line', 30_000, async () => {
      const text = await core.readNamespacedPodLog({
        name: podName,
        namespace: env.namespace,
        container: 'main'
      })
      return text.includes('smoke-log-line') ? text : undefined
    })
    expect(logs).toContain('smoke-log-line')
  })

  test('pulls from the password registry only with imagePullSecrets', async () => {
    const registry = registryEnv()
    const secretName = uniqueName('smoke-pull')
    const auth = Buffer.from(`${registry.user}:${registry.password}`).toString('base64')
    const dockerConfig = {
      auths: { [registry.server]: { username: registry.user, password: registry.password, auth } }
    }
    createdSecrets.push(secretName)
    await core.createNamespacedSecret({
      namespace: env.namespace,
      body: {
        metadata: { name: secretName },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerConfig)).toString('base64') }
      }
    })

    const container = {
      name: 'main',
      image: registry.image,
      imagePullPolicy: 'Always',
      command: KEEP_ALIVE
    }
    const withSecret = uniqueName('smoke-private')
    const withoutSecret = uniqueName('smoke-nosecret')
    await createPod(withSecret, {
      containers: [container],
      imagePullSecrets: [{ name: secretName }]
    })
    await createPod(withoutSecret, { containers: [container] })

    await waitRunning(withSecret)
    const reason = await waitFor(
      `pod ${withoutSecret} to fail its pull`,
      POD_TIMEOUT,
      async () => {
        const waiting = (await readPod(withoutSecret)).status?.containerStatuses?.[0]?.state
          ?.waiting?.reason
        return waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff' ? waiting : undefined
      },
      async () => podSummary(await readPod(withoutSecret))
    )
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(reason)
  })

  test('runs an ephemeral container and records its exit code', async () => {
    const debug: k8s.V1EphemeralContainer = {
      name: 'debug',
      image: LOCAL_IMAGE,
      imagePullPolicy: 'Never',
      targetContainerName: 'main',
      command: ['sh', '-c', 'echo ephemeral; exit 3']
    }
    // A JSON patch (the client's default patch type) through the ephemeralcontainers subresource.
    await core.patchNamespacedPodEphemeralcontainers({
      name: podName,
      namespace: env.namespace,
      body: [{ op: 'add', path: '/spec/ephemeralContainers', value: [debug] }]
    })
    const terminated = await waitFor(
      'the ephemeral container to finish',
      POD_TIMEOUT,
      async () => {
        const pod = await readPod(podName)
        return pod.status?.ephemeralContainerStatuses?.find(s => s.name === 'debug')?.state
          ?.terminated
      },
      async () => podSummary(await readPod(podName))
    )
    expect(terminated.exitCode).toBe(3)
    const logs = await core.readNamespacedPodLog({
      name: podName,
      namespace: env.namespace,
      container: 'debug'
    })
    expect(logs).toBe('ephemeral\n')
  })
})
