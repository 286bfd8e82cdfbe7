/**
 * The objects actions-runner-controller's gha-runner-scale-set chart makes for a scale set in
 * `containerMode.type: kubernetes` or `kubernetes-novolume` (templates/_helpers.tpl,
 * kube_mode_role.yaml, kube_mode_serviceaccount.yaml, kube_mode_role_binding.yaml), as it renders
 * them for the values of docs/arc.md: the ServiceAccount, EXACTLY its Role, the RoleBinding, and
 * the runner pod. What differs from a real ARC pod is marked "Not ARC:" with the reason.
 */
import type * as k8s from '@kubernetes/client-node'

export type ArcMode = 'kubernetes' | 'kubernetes-novolume'

/** The image built from examples/runner-image/Dockerfile by the test. */
export const ARC_RUNNER_IMAGE = 'container-hooks-test/arc-runner:e2e'

export interface ScaleSet {
  mode: ArcMode
  /** runnerScaleSetName */
  name: string
  /** The chart's kubeModeServiceAccountName / kubeModeRoleName / kubeModeRoleBindingName. */
  kubeMode: string
}

export function scaleSet(mode: ArcMode): ScaleSet {
  const name = mode === 'kubernetes' ? 'arc-kube' : 'arc-novolume'
  return { mode, name, kubeMode: `${name}-gha-rs-kube-mode` }
}

/** kube_mode_role.yaml: nothing more (no events, PVCs or ephemeral containers); batch/jobs only in `kubernetes`. */
export function arcRole(set: ScaleSet): k8s.V1Role {
  const rule = (resources: string[], verbs: string[], apiGroups = ['']): k8s.V1PolicyRule => ({
    apiGroups,
    resources,
    verbs
  })
  return {
    metadata: { name: set.kubeMode },
    rules: [
      rule(['pods'], ['get', 'list', 'create', 'delete', 'update', 'patch']),
      rule(['pods/exec'], ['get', 'create']),
      rule(['pods/log'], ['get', 'list', 'watch']),
      ...(set.mode === 'kubernetes'
        ? [rule(['jobs'], ['get', 'list', 'create', 'delete'], ['batch'])]
        : []),
      rule(['secrets'], ['get', 'list', 'create', 'delete'])
    ]
  }
}

export function arcRoleBinding(set: ScaleSet, namespace: string): k8s.V1RoleBinding {
  return {
    metadata: { name: set.kubeMode },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: set.kubeMode },
    subjects: [{ kind: 'ServiceAccount', name: set.kubeMode, namespace }]
  }
}

/**
 * The parts of the chart's values that shape the runner pod beyond the mode: what docs/arc.md
 * gives (arc-doc.ts reads them from the page) and the settings the test adds.
 */
export interface RunnerValues {
  /** containerMode.kubernetesModeWorkVolumeClaim (`kubernetes` only). */
  workClaim?: k8s.V1PersistentVolumeClaimSpec
  /** template.spec.initContainers */
  initContainers: k8s.V1Container[]
  /** The runner container's own env and volumeMounts (template.spec.containers[runner]). */
  env: k8s.V1EnvVar[]
  volumeMounts: k8s.V1VolumeMount[]
  /** template.spec.volumes other than `work` */
  volumes: k8s.V1Volume[]
}

/** The env the chart gives the runner container in each mode, after the user's own. */
function runnerEnv(mode: ArcMode, own: k8s.V1EnvVar[]): k8s.V1EnvVar[] {
  const hooks =
    mode === 'kubernetes' ? '/home/runner/k8s/index.js' : '/home/runner/k8s-novolume/index.js'
  return [
    ...own,
    { name: 'ACTIONS_RUNNER_CONTAINER_HOOKS', value: hooks },
    { name: 'ACTIONS_RUNNER_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER', value: 'true' },
    ...(mode === 'kubernetes-novolume'
      ? [{ name: 'ACTIONS_RUNNER_IMAGE', value: ARC_RUNNER_IMAGE }]
      : [])
  ]
}

const WORK_MOUNT: k8s.V1VolumeMount = { name: 'work', mountPath: '/home/runner/_work' }

/**
 * The runner pod the chart's EphemeralRunner template gives for `set` and `values`: restart policy
 * Never, the kube-mode ServiceAccount, the runner container's env, and in `kubernetes` the work
 * volume (the chart's kubernetes-mode-work-volume: an ephemeral volume from the claim template).
 */
export function arcRunnerPod(set: ScaleSet, name: string, values: RunnerValues): k8s.V1Pod {
  const work = set.mode === 'kubernetes'
  if (work && !values.workClaim) throw new Error('kubernetes mode needs a work volume claim')
  const workVolume: k8s.V1Volume[] = work
    ? [{ name: 'work', ephemeral: { volumeClaimTemplate: { spec: values.workClaim! } } }]
    : []
  return {
    metadata: {
      name,
      labels: {
        'actions-ephemeral-runner': 'True',
        'actions.github.com/scale-set-name': set.name,
        'app.kubernetes.io/component': 'runner'
      }
    },
    spec: {
      restartPolicy: 'Never',
      serviceAccountName: set.kubeMode,
      terminationGracePeriodSeconds: 1,
      initContainers: values.initContainers,
      volumes: [...workVolume, ...values.volumes],
      containers: [
        {
          name: 'runner',
          image: ARC_RUNNER_IMAGE,
          // Not ARC: the image exists only in the node's containerd (no registry here).
          imagePullPolicy: 'Never',
          // Not ARC: instead of /home/runner/run.sh (which needs GitHub), the runner's part is
          // played by the emulator, started in this container by the test (exec).
          command: ['sh', '-c', 'trap "exit 0" TERM INT; while :; do sleep 3600 & wait; done'],
          env: runnerEnv(set.mode, values.env),
          volumeMounts: [...values.volumeMounts, ...(work ? [WORK_MOUNT] : [])]
        }
      ]
    }
  }
}
