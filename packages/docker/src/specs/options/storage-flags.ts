/** PURE: filesystems: -v (Binds / anonymous Volumes), --mount, --tmpfs, --volumes-from. */
import { csvFields, goBool, keyValue, ramBytes, type FlagValues } from './values'
import { listOrUndefined, set, type CreateBody, type FlagArea, type Json } from './area'

/** `-v dest` is an anonymous volume (Config.Volumes); `-v src:dest[:opts]` goes to Binds. */
function volumes(v: FlagValues): { binds: string[]; anonymous: string[] } {
  const binds: string[] = []
  const anonymous: string[] = []
  for (const value of new Set(v.all('volume'))) {
    const parts = value.split(':')
    if (value === '' || parts.length > 3 || parts.some(p => p === ''))
      throw v.error('volume', value, 'needs [<source>:]<container path>[:<options>]')
    if (parts.length === 1) {
      anonymous.push(value)
      continue
    }
    binds.push(value)
  }
  return { binds, anonymous }
}

type MountKind = 'volume' | 'bind' | 'tmpfs'

/** `--mount type=…,source=…,target=…,…` as the CLI's MountOpt reads it. */
function mount(v: FlagValues, value: string): Json {
  const m: Json = { Type: 'volume' }
  const sub = (key: 'VolumeOptions' | 'BindOptions' | 'TmpfsOptions'): Json => {
    const init = key === 'VolumeOptions' ? { Labels: {}, DriverConfig: {} } : {}
    return (m[key] ??= init) as Json
  }
  const fail = (why: string): Error => v.error('mount', value, why)
  const bool = (raw: string | undefined): boolean =>
    raw === undefined ? true : v.check('mount', value, () => goBool(raw))
  for (const field of v.check('mount', value, csvFields)) {
    const eq = field.indexOf('=')
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase()
    const val = eq < 0 ? undefined : field.slice(eq + 1)
    const flagLike = ['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key)
    if (val === undefined && !flagLike) throw fail(`"${field}" must be a key=value pair`)
    const text = val ?? ''
    if (key === 'type') m.Type = text.toLowerCase()
    else if (key === 'source' || key === 'src') m.Source = text
    else if (['target', 'dst', 'destination'].includes(key)) m.Target = text
    else if (key === 'readonly' || key === 'ro') m.ReadOnly = bool(val)
    else if (key === 'consistency') m.Consistency = text.toLowerCase()
    else if (key === 'bind-propagation') sub('BindOptions').Propagation = text.toLowerCase()
    else if (key === 'bind-nonrecursive') sub('BindOptions').NonRecursive = bool(val)
    else if (key === 'volume-nocopy') sub('VolumeOptions').NoCopy = bool(val)
    else if (key === 'volume-label') {
      const [k, x] = keyValue(text)
      ;(sub('VolumeOptions').Labels as Json)[k] = x
    } else if (key === 'volume-driver') (sub('VolumeOptions').DriverConfig as Json).Name = text
    else if (key === 'volume-opt') {
      const driver = sub('VolumeOptions').DriverConfig as Json
      const [k, x] = keyValue(text)
      ;((driver.Options ??= {}) as Json)[k] = x
    } else if (key === 'tmpfs-size')
      sub('TmpfsOptions').SizeBytes = v.check('mount', value, () => ramBytes(text))
    else if (key === 'tmpfs-mode') {
      if (!/^[0-7]+$/.test(text)) throw fail(`tmpfs-mode "${text}" is not an octal mode`)
      sub('TmpfsOptions').Mode = parseInt(text, 8)
    } else throw fail(`unknown key "${key}"`)
  }
  if (!m.Type) throw fail('needs type=bind, volume or tmpfs')
  if (!m.Target) throw fail('needs target=<container path>')
  const kinds: Array<[string, MountKind]> = [
    ['VolumeOptions', 'volume'],
    ['BindOptions', 'bind'],
    ['TmpfsOptions', 'tmpfs']
  ]
  const type = m.Type as string
  for (const [key, kind] of kinds)
    if (m[key] !== undefined && type !== kind)
      throw fail(`${kind} options given for a mount of type "${type}"`)
  return m
}

function tmpfs(v: FlagValues): Record<string, string> | undefined {
  const values = v.all('tmpfs')
  if (values.length === 0) return undefined
  return Object.fromEntries(
    values.map(t => {
      const i = t.indexOf(':')
      return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)]
    })
  )
}

function apply(v: FlagValues, body: CreateBody): void {
  const host = body.HostConfig
  const { binds, anonymous } = volumes(v)
  if (anonymous.length > 0) body.Volumes = Object.fromEntries(anonymous.map(a => [a, {}]))
  set(host, 'Binds', listOrUndefined(binds))
  set(host, 'Mounts', listOrUndefined(v.all('mount').map(m => mount(v, m))))
  set(host, 'Tmpfs', tmpfs(v))
  set(host, 'VolumesFrom', listOrUndefined(v.all('volumes-from')))
  set(host, 'VolumeDriver', v.last('volume-driver'))
}

export const storageFlags: FlagArea = {
  flags: ['volume', 'mount', 'tmpfs', 'volumes-from', 'volume-driver'],
  apply
}
