/** PURE: host devices: --device, --device-cgroup-rule, --gpus (DeviceRequests). */
import { cleanPath, csvFields, goInt, kvMap, type FlagValues } from './values'
import { listOrUndefined, set, type CreateBody, type FlagArea } from './area'

const MODE = /^(?!.*(.).*\1)[rwm]+$/

/** `src[:dst][:perms]`, as the CLI's parseLinuxDevice and validateLinuxPath read it. */
function device(v: FlagValues, value: string): Record<string, string> {
  const parts = value.split(':')
  if (parts.length > 3 || parts[0] === '')
    throw v.error('device', value, 'needs /dev/<host device>[:<container path>][:rwm]')
  let [src, dst, perms] = [parts[0], '', 'rwm']
  if (parts.length === 3) {
    if (!MODE.test(parts[2])) throw v.error('device', value, `bad mode "${parts[2]}"`)
    ;[dst, perms] = [parts[1], parts[2]]
  } else if (parts.length === 2) {
    if (MODE.test(parts[1])) perms = parts[1]
    else dst = parts[1]
  }
  if (parts.length === 1) src = cleanPath(src)
  else if (parts.length === 2 && dst === '') src = cleanPath(src)
  else if (parts.length === 2) dst = cleanPath(dst)
  const target = dst === '' ? src : dst
  if (!target.startsWith('/')) throw v.error('device', value, `${target} is not an absolute path`)
  return { PathOnHost: src, PathInContainer: target, CgroupPermissions: perms }
}

const CGROUP_RULE = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/

function gpuCount(v: FlagValues, value: string, count: string): number {
  if (count === 'all') return -1
  return v.check('gpus', value, () => goInt(count, -(2 ** 63), 2 ** 63))
}

/** `all`, `2`, `"device=0,1"`, `count=2,capabilities=utility,driver=nvidia,options=k=v`. */
function gpuRequest(v: FlagValues, value: string): Record<string, unknown> {
  const req: Record<string, unknown> = { Driver: '', Count: 0, DeviceIDs: null }
  const seen = new Set<string>()
  for (const field of v.check('gpus', value, csvFields)) {
    const eq = field.indexOf('=')
    const key = eq < 0 ? field : field.slice(0, eq)
    if (seen.has(key)) throw v.error('gpus', value, `the key "${key}" is given twice`)
    seen.add(key)
    if (eq < 0) {
      seen.add('count')
      req.Count = gpuCount(v, value, key)
      continue
    }
    const val = field.slice(eq + 1)
    if (key === 'driver') req.Driver = val
    else if (key === 'count') req.Count = gpuCount(v, value, val)
    else if (key === 'device') req.DeviceIDs = val.split(',')
    else if (key === 'capabilities') req.Capabilities = [[...val.split(','), 'gpu']]
    else if (key === 'options') req.Options = kvMap(v.check('gpus', value, () => csvFields(val)))
    else
      throw v.error(
        'gpus',
        value,
        `unknown key "${key}" (driver, count, device, capabilities, options)`
      )
  }
  if (!seen.has('count') && req.DeviceIDs === null) req.Count = 1
  return { ...req, Capabilities: req.Capabilities ?? [['gpu']], Options: req.Options ?? {} }
}

function apply(v: FlagValues, body: CreateBody): void {
  const host = body.HostConfig
  set(host, 'Devices', listOrUndefined(v.all('device').map(d => device(v, d))))
  const rules = v.all('device-cgroup-rule')
  for (const rule of rules)
    if (!CGROUP_RULE.test(rule))
      throw v.error('device-cgroup-rule', rule, 'needs "<a|b|c> <major|*>:<minor|*> <rwm>"')
  set(host, 'DeviceCgroupRules', listOrUndefined(rules))
  set(host, 'DeviceRequests', listOrUndefined(v.all('gpus').map(g => gpuRequest(v, g))))
}

export const deviceFlags: FlagArea = {
  flags: ['device', 'device-cgroup-rule', 'gpus'],
  apply
}
