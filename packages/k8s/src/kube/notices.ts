/**
 * Permissions beyond actions-runner-controller's Role (docs/k8s.md "Permissions"). Every core
 * feature works without them; a 403 on one degrades the extra it serves and gives one notice
 * per hook run that names the rule to add, never a failed job.
 */
import type { Logger } from '@container-hooks/hooklib'
import type { V1Pod } from '@kubernetes/client-node'

/**
 * On the job pod: the optional rules a hook run of the job found missing, so that later runs
 * (each step is its own process) neither try them again nor repeat the notice.
 */
export const ANNOTATION_MISSING_RULES = 'container-hooks.github.io/missing-rules'

export interface OptionalRule {
  resource: string
  verbs: string[]
  /** What works without it, for the notice. */
  without: string
  /** What the rule would add. */
  gives: string
}

export const OPTIONAL_RULES = {
  events: {
    resource: 'events',
    verbs: ['list'],
    without: 'why a pod did not start is told from the pod status only',
    gives: "Kubernetes' own reasons (FailedScheduling, FailedMount, health-check output)"
  },
  ephemeralContainers: {
    resource: 'pods/ephemeralcontainers',
    verbs: ['get', 'patch'],
    without: 'the debug diagnostics report the pod from the API only',
    gives: 'the diagnostics script run inside the job pod'
  },
  claims: {
    resource: 'persistentvolumeclaims',
    verbs: ['get'],
    without:
      'the work-volume claim is taken as ReadWriteOnce: job pods are pinned to the runner node',
    gives: "a ReadWriteMany claim's job pods placed on any node"
  }
} satisfies Record<string, OptionalRule>

export type OptionalFeature = keyof typeof OPTIONAL_RULES

export function noticeText(rule: OptionalRule): string {
  const verbs = rule.verbs.join(', ')
  return `The runner's ServiceAccount may not ${rule.verbs[0]} "${rule.resource}" (actions-runner-controller's Role has no such rule), so ${rule.without}. For ${rule.gives}, add to its Role: {apiGroups: [""], resources: [${rule.resource}], verbs: [${verbs}]}`
}

/** Gives each missing rule's notice once; a run without a logger stays silent. */
export class Notices {
  private readonly given = new Set<OptionalFeature>()

  constructor(private readonly log?: Pick<Logger, 'notice'>) {}

  missing(feature: OptionalFeature): void {
    if (this.given.has(feature)) return
    this.given.add(feature)
    this.log?.notice(noticeText(OPTIONAL_RULES[feature]))
  }

  /** Whether `feature` was found missing in this run (skip its further attempts). */
  isMissing(feature: OptionalFeature): boolean {
    return this.given.has(feature)
  }

  /** Takes what an earlier run recorded on `pod` as missing and already told. */
  learnFrom(pod: V1Pod): void {
    const recorded = pod.metadata?.annotations?.[ANNOTATION_MISSING_RULES] ?? ''
    for (const name of recorded.split(',')) {
      if (name in OPTIONAL_RULES) this.given.add(name as OptionalFeature)
    }
  }

  /** The merge patch recording what is missing on a pod, or undefined when `pod` has it all. */
  recordPatch(pod: V1Pod): object | undefined {
    const recorded = pod.metadata?.annotations?.[ANNOTATION_MISSING_RULES]
    const value = [...this.given].sort().join(',')
    if (value === '' || value === recorded) return undefined
    return { metadata: { annotations: { [ANNOTATION_MISSING_RULES]: value } } }
  }
}

/** Whether `err` is the API's refusal (RBAC), as opposed to a failure to be reported. */
export function isForbidden(err: unknown): boolean {
  return (err as { status?: number }).status === 403
}
