/**
 * The workflow's `volumes:` (userMountVolumes) of the job container and the services, where
 * Kubernetes has an equivalent: a path inside the runner's `_work` → a subPath mount of the work
 * volume (the claim, or the copy-mode emptyDir); a named volume → an emptyDir shared by the pod's
 * containers that name it; an anonymous volume → an emptyDir of its own. Any other runner path
 * does not exist for a pod: a warning, and no mount.
 */
import type { V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node'
import { classifyMount, type HookContainer } from '@container-hooks/hooklib'
import { posix } from 'node:path'
import { WORK_VOLUME } from './job-pod'

export interface UserVolumeOwner {
  /** The pod's container name. */
  name: string
  /** How messages name it: "the job container", "service redis". */
  label: string
  /** Input field for errors, e.g. "args.container" or "args.services[0]". */
  field: string
  container: HookContainer
}

export interface UserVolumes {
  volumes: V1Volume[]
  /** Mounts to add, by container name. */
  mounts: Record<string, V1VolumeMount[]>
  warnings: string[]
}

/** The path of `source` inside `workDir` ("" for `workDir` itself), or undefined outside it. */
export function workSubPath(source: string, workDir: string): string | undefined {
  if (!workDir) return undefined
  const rel = posix.relative(posix.normalize(workDir), posix.normalize(source))
  if (rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel)) return undefined
  return rel
}

/** The job pod's containers, as named in the pod, with their input. */
export function volumeOwners(
  jobName: string,
  container: HookContainer | null,
  services: HookContainer[],
  serviceNames: string[]
): UserVolumeOwner[] {
  return [
    ...(container
      ? [{ name: jobName, label: 'the job container', field: 'args.container', container }]
      : []),
    ...services.map((service, i) => ({
      name: serviceNames[i],
      label: `service ${serviceNames[i]}`,
      field: `args.services[${i}]`,
      container: service
    }))
  ]
}

/** `workDir`: the runner's `_work` on its host (the source of the job container's `/__w`). */
export function userVolumes(owners: UserVolumeOwner[], workDir: string): UserVolumes {
  const out: UserVolumes = { volumes: [], mounts: {}, warnings: [] }
  const named = new Map<string, string>()
  let anonymous = 0
  const addVolume = (name: string): string => {
    out.volumes.push({ name, emptyDir: {} })
    return name
  }
  for (const owner of owners) {
    const mounts: V1VolumeMount[] = []
    owner.container.userMountVolumes.forEach((raw, i) => {
      const m = classifyMount(raw, `${owner.field}.userMountVolumes[${i}]`)
      const base: V1VolumeMount = { name: '', mountPath: m.target }
      if (m.readOnly) base.readOnly = true
      if (m.kind === 'volume') {
        const volume = named.get(m.source) ?? addVolume(`user-volume-${named.size}`)
        named.set(m.source, volume)
        mounts.push({ ...base, name: volume })
        return
      }
      if (m.kind === 'anonymous') {
        mounts.push({ ...base, name: addVolume(`user-anonymous-${anonymous++}`) })
        return
      }
      const subPath = workSubPath(m.source, workDir)
      if (subPath === undefined) {
        out.warnings.push(
          `volumes: ${raw.userProvidedValue ?? `${m.source}:${m.target}`} of ${owner.label} is not mounted: ${m.source} is a path on the runner outside its _work (${workDir || 'unknown'}), which a job pod cannot see. Use a path inside the workspace, or a named volume`
        )
        return
      }
      mounts.push(
        subPath ? { ...base, name: WORK_VOLUME, subPath } : { ...base, name: WORK_VOLUME }
      )
    })
    if (mounts.length > 0) out.mounts[owner.name] = mounts
  }
  return out
}

/** The pod with the user volumes added (a new object; `pod` is not changed). */
export function withUserVolumes(pod: V1Pod, user: UserVolumes): V1Pod {
  const spec = pod.spec!
  return {
    ...pod,
    spec: {
      ...spec,
      volumes: [...(spec.volumes ?? []), ...user.volumes],
      containers: spec.containers.map(c =>
        user.mounts[c.name]
          ? { ...c, volumeMounts: [...(c.volumeMounts ?? []), ...user.mounts[c.name]] }
          : c
      )
    }
  }
}
