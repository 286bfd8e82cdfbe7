/**
 * Other ServiceAccounts for tests of missing permissions: the minimal Role of
 * scripts/k8s/manifests/role.yaml without the rules for `drop` resources, or exactly
 * actions-runner-controller's Role, bound to its own account, and a kubeconfig with a
 * short-lived token (TokenRequest) for the hook to run under.
 * Created with the admin kubeconfig (HOOKS_K8S_ADMIN_KUBECONFIG); idempotent.
 */
import * as k8s from '@kubernetes/client-node'
import { load, dump } from 'js-yaml'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Cluster } from './pods'

const ROLE_FILE = resolve(__dirname, '../../../../scripts/k8s/manifests/role.yaml')

function adminConfig(): k8s.KubeConfig {
  const file = process.env.HOOKS_K8S_ADMIN_KUBECONFIG
  if (!file) throw new Error('HOOKS_K8S_ADMIN_KUBECONFIG is not set: eval "$(scripts/k8s/env)"')
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(file)
  return kc
}

async function apply<T>(create: () => Promise<T>, replace: () => Promise<T>): Promise<void> {
  try {
    await create()
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err
    await replace()
  }
}

/**
 * Exactly the Role actions-runner-controller's gha-runner-scale-set chart gives the runner's
 * ServiceAccount in `containerMode: kubernetes` (kube_mode_role.yaml): no watch on pods, no
 * events, persistentvolumeclaims or pods/ephemeralcontainers.
 */
export const ARC_ROLE_RULES: k8s.V1PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['get', 'list', 'create', 'delete', 'update', 'patch']
  },
  { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] },
  { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'create', 'delete'] },
  { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'delete'] }
]

/** The path of a kubeconfig for account `name`, bound to a Role of exactly `rules`. */
export async function accountKubeconfig(
  c: Cluster,
  name: string,
  rules: k8s.V1PolicyRule[]
): Promise<string> {
  const admin = adminConfig()
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api)
  const core = admin.makeApiClient(k8s.CoreV1Api)
  const namespace = c.env.namespace
  const role: k8s.V1Role = { metadata: { name }, rules }
  const binding: k8s.V1RoleBinding = {
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace }]
  }
  await apply(
    () => core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }),
    () => core.readNamespacedServiceAccount({ namespace, name })
  )
  await apply(
    () => rbac.createNamespacedRole({ namespace, body: role }),
    () => rbac.replaceNamespacedRole({ namespace, name, body: role })
  )
  await apply(
    () => rbac.createNamespacedRoleBinding({ namespace, body: binding }),
    () => rbac.replaceNamespacedRoleBinding({ namespace, name, body: binding })
  )
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 3600 } }
  })
  const config = load(readFileSync(c.env.kubeconfigPath, 'utf8')) as {
    users: Array<{ name: string; user: Record<string, string> }>
  }
  for (const user of config.users) user.user = { token: token.status!.token }
  const file = join(mkdtempSync(join(tmpdir(), 'restricted-kubeconfig-')), 'config')
  writeFileSync(file, dump(config), { mode: 0o600 })
  return file
}

/** The path of a kubeconfig for account `name`, whose Role lacks the `drop` resources. */
export function restrictedKubeconfig(c: Cluster, name: string, drop: string[]): Promise<string> {
  const full = load(readFileSync(ROLE_FILE, 'utf8')) as k8s.V1Role
  const rules = (full.rules ?? [])
    .map(r => ({ ...r, resources: (r.resources ?? []).filter(x => !drop.includes(x)) }))
    .filter(r => r.resources.length > 0)
  return accountKubeconfig(c, name, rules)
}

/** A kubeconfig for an account with exactly actions-runner-controller's Role. */
export function arcKubeconfig(c: Cluster): Promise<string> {
  return accountKubeconfig(c, 'arc-runner', ARC_ROLE_RULES)
}
