import { InputError } from './errors'
import type { MountVolume } from './protocol'

export interface ClassifiedMount {
  /** bind: a host path; volume: a named volume; anonymous: a fresh volume without a name. */
  kind: 'bind' | 'volume' | 'anonymous'
  /** Host path for a bind, the volume name for a volume, "" for an anonymous volume. */
  source: string
  target: string
  readOnly: boolean
}

// Docker's rule for volume names.
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** Decides how one of the runner's MountVolume entries is mounted. */
export function classifyMount(m: MountVolume, field = 'mount'): ClassifiedMount {
  const target = m.targetVolumePath
  if (typeof target !== 'string' || !target.startsWith('/')) {
    throw new InputError(
      `Invalid ${field}.targetVolumePath: expected an absolute container path, got ${JSON.stringify(target ?? null)}`
    )
  }
  const source = m.sourceVolumePath ?? ''
  const readOnly = m.readOnly === true
  if (source === '') return { kind: 'anonymous', source: '', target, readOnly }
  if (source.startsWith('/')) return { kind: 'bind', source, target, readOnly }
  if (VOLUME_NAME.test(source)) return { kind: 'volume', source, target, readOnly }
  throw new InputError(
    `Invalid ${field}.sourceVolumePath: expected an absolute host path or a volume name, got ${JSON.stringify(source)}`
  )
}
