/**
 * ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE: a YAML PodTemplateSpec merged into the job pod.
 * Containers named `$job` / `$<service>` merge into those containers (env, volumeMounts, ports
 * and envFrom appended, `image` ignored, other fields replaced); other containers become sidecars. Pod-level
 * lists (volumes, initContainers, imagePullSecrets, tolerations) are appended, other pod fields
 * replaced, labels and annotations merged with ours winning. Nothing shared is mutated.
 */
import type { V1Container, V1Pod, V1PodSpec } from '@kubernetes/client-node'
import { ConfigError } from '@container-hooks/hooklib'
import { load } from 'js-yaml'

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }
  spec?: Partial<V1PodSpec>
}

const VARIABLE = 'ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE'
const APPENDED_CONTAINER_LISTS = ['env', 'envFrom', 'volumeMounts', 'ports'] as const
const APPENDED_POD_LISTS = ['volumes', 'initContainers', 'imagePullSecrets', 'tolerations'] as const

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(source: string, field: string, problem: string): never {
  throw new ConfigError(`${VARIABLE} (${source}): ${field} ${problem}`)
}

function checkStringMap(value: unknown, source: string, field: string): void {
  if (value === undefined) return
  if (!isObject(value) || Object.values(value).some(v => typeof v !== 'string')) {
    fail(source, field, 'must be a map of strings')
  }
}

/** Parses and validates a template; errors name the file and the field. */
export function parseTemplate(text: string, source: string): PodTemplate {
  let doc: unknown
  try {
    doc = load(text)
  } catch (err) {
    fail(source, 'the file', `is not valid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  if (!isObject(doc))
    fail(source, 'the document', 'must be a PodTemplateSpec (a map with metadata and spec)')
  const { metadata, spec } = doc
  if (metadata !== undefined && !isObject(metadata)) fail(source, 'metadata', 'must be a map')
  checkStringMap(metadata?.labels, source, 'metadata.labels')
  checkStringMap(metadata?.annotations, source, 'metadata.annotations')
  if (spec !== undefined && !isObject(spec)) fail(source, 'spec', 'must be a map')
  // The externals copy exits when done, and a step's pod is read from its stopped container.
  if (spec?.restartPolicy !== undefined && spec.restartPolicy !== 'Never')
    fail(
      source,
      'spec.restartPolicy',
      'must be Never or left out: the hook runs each container of its pods once'
    )
  for (const list of ['containers', ...APPENDED_POD_LISTS]) {
    const value = spec?.[list]
    if (value !== undefined && (!Array.isArray(value) || !value.every(isObject))) {
      fail(source, `spec.${list}`, 'must be a list of maps')
    }
  }
  const containers = (spec?.containers ?? []) as Record<string, unknown>[]
  containers.forEach((c, i) => {
    if (typeof c.name !== 'string' || c.name === '')
      fail(source, `spec.containers[${i}].name`, 'must be a non-empty string')
    for (const list of APPENDED_CONTAINER_LISTS) {
      if (c[list] !== undefined && !Array.isArray(c[list]))
        fail(source, `spec.containers[${i}].${list}`, 'must be a list')
    }
  })
  return doc
}

function mergeContainer(ours: V1Container, theirs: V1Container): V1Container {
  // The workflow's image wins, as in the incumbent (templateImageWarning says so once).
  const merged: V1Container = {
    ...ours,
    ...structuredClone(theirs),
    name: ours.name,
    image: ours.image
  }
  for (const list of APPENDED_CONTAINER_LISTS) {
    const combined = [...(ours[list] ?? []), ...structuredClone(theirs[list] ?? [])]
    if (combined.length > 0) (merged as unknown as Record<string, unknown>)[list] = combined
  }
  return merged
}

/** The one warning for `image:` under `$job` / `$<service>`, which the merge ignores. */
export function templateImageWarning(template: PodTemplate): string | undefined {
  const named = (template.spec?.containers ?? [])
    .filter(c => c.name.startsWith('$') && c.image !== undefined)
    .map(c => c.name)
  if (named.length === 0) return undefined
  return `${VARIABLE}: the image of ${named.join(', ')} is ignored; the workflow's image is used (as in actions/runner-container-hooks)`
}

/** Returns a new pod: `pod` merged with `template`; neither input is changed. */
export function mergeTemplate(pod: V1Pod, template: PodTemplate): V1Pod {
  const spec = pod.spec as V1PodSpec
  const tspec = template.spec ?? {}
  const byName = new Map(spec.containers.map(c => [c.name, c]))
  const merged = new Map<string, V1Container>()
  const sidecars: V1Container[] = []
  ;(tspec.containers ?? []).forEach(theirs => {
    if (!theirs.name.startsWith('$')) {
      sidecars.push(structuredClone(theirs))
      return
    }
    const target = byName.get(theirs.name.slice(1))
    // A `$service` for a service this job does not have is fine: templates are shared by jobs.
    if (target === undefined) return
    merged.set(target.name, mergeContainer(merged.get(target.name) ?? target, theirs))
  })
  const result: V1PodSpec = { ...spec, ...structuredClone(tspec) }
  result.containers = [...spec.containers.map(c => merged.get(c.name) ?? c), ...sidecars]
  for (const list of APPENDED_POD_LISTS) {
    const combined = [...(spec[list] ?? []), ...structuredClone(tspec[list] ?? [])]
    if (combined.length > 0) (result as unknown as Record<string, unknown>)[list] = combined
  }
  const metadata = {
    ...pod.metadata,
    labels: { ...template.metadata?.labels, ...pod.metadata?.labels },
    annotations: { ...template.metadata?.annotations, ...pod.metadata?.annotations }
  }
  return { ...pod, metadata, spec: result }
}
