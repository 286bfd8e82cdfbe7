/** The code blocks of docs/arc.md, so that tests use (and check) what the page tells users. */
import type * as k8s from '@kubernetes/client-node'
import { load } from 'js-yaml'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { ARC_RUNNER_IMAGE, type ArcMode, type RunnerValues } from './arc-objects'

export const ARC_DOC = resolve(__dirname, '../../../../docs/arc.md')

/** The fenced blocks of docs/arc.md in `lang`, in page order. */
export function docBlocks(lang: string): string[] {
  const text = readFileSync(ARC_DOC, 'utf8')
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter(m => m[1] === lang)
    .map(m => m[2])
}

/** The YAML blocks of docs/arc.md, parsed. */
export function docYaml(): Array<Record<string, unknown>> {
  return docBlocks('yaml').map(b => load(b) as Record<string, unknown>)
}

/** The first YAML block of docs/arc.md that `match` accepts. */
export function docYamlWhere<T>(what: string, match: (doc: Record<string, unknown>) => boolean): T {
  const found = docYaml().find(match)
  if (!found) throw new Error(`docs/arc.md has no YAML block with ${what}`)
  return found as T
}

/** The ConfigMap of section "A pod template". */
export function hookTemplateConfigMap(): k8s.V1ConfigMap {
  return docYamlWhere<k8s.V1ConfigMap>('kind: ConfigMap', d => d.kind === 'ConfigMap')
}

/** The values that mount it: the runner container's env and mount, the pod's volume. */
export function hookTemplateValues(): k8s.V1PodSpec {
  const values = docYamlWhere<{ template: { spec: k8s.V1PodSpec } }>(
    'the hook template mounted',
    d => JSON.stringify(d).includes('ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE')
  )
  return values.template.spec
}

interface Values {
  containerMode: { type: string; kubernetesModeWorkVolumeClaim?: k8s.V1PersistentVolumeClaimSpec }
  template: { spec: k8s.V1PodSpec }
}

/** The values block of docs/arc.md for `containerMode.type: mode`. */
export function docValues(mode: ArcMode): Values {
  return docYamlWhere<Values>(
    `containerMode.type: ${mode}`,
    d => (d.containerMode as Values['containerMode'] | undefined)?.type === mode
  )
}

/** The init container that hands the work volume to the runner user. */
export function docInitContainers(): k8s.V1Container[] {
  return docYamlWhere<{ template: { spec: k8s.V1PodSpec } }>('initContainers', d =>
    JSON.stringify(d).includes('"initContainers"')
  ).template.spec.initContainers!
}

/**
 * The runner pod's values for `mode` as docs/arc.md gives them, on the test's StorageClass and
 * image: the work claim, the init container, the hook template's env, mount and volume, plus
 * `extraEnv` (what the test's admin adds).
 */
export function docRunnerValues(
  mode: ArcMode,
  storageClassName: string,
  extraEnv: k8s.V1EnvVar[]
): RunnerValues {
  const claim = docValues(mode).containerMode.kubernetesModeWorkVolumeClaim
  const template = hookTemplateValues()
  const runner = template.containers.find(c => c.name === 'runner')!
  return {
    workClaim: claim && { ...claim, storageClassName },
    initContainers:
      mode === 'kubernetes'
        ? docInitContainers().map(c => ({
            ...c,
            image: ARC_RUNNER_IMAGE,
            imagePullPolicy: 'Never'
          }))
        : [],
    env: [...(runner.env ?? []), ...extraEnv],
    volumeMounts: runner.volumeMounts ?? [],
    volumes: template.volumes ?? []
  }
}
