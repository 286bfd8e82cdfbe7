/** PURE: --expose, -p/--publish and -P as the CLI reads them (docker/go-connections nat). */
import { isIP } from 'node:net'
import type { FlagValues } from './values'
import type { CreateBody } from './area'

export type PortBindings = Record<string, Array<{ HostIp: string; HostPort: string }>>

function protoPort(raw: string): [string, string] {
  const [port, proto] = raw.split('/')
  if (raw === '' || port === '') return ['', '']
  return [port, proto === undefined || proto === '' ? 'tcp' : proto.toLowerCase()]
}

function portRange(raw: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw)
  const [start, end] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN]
  if (!m || start > 65535 || end > 65535 || end < start) throw new Error(`invalid port "${raw}"`)
  return [start, end]
}

/** `[ip:][hostPort:]containerPort[/proto]`, ranges allowed; or `target=80,published=8080,…`. */
function publish(v: FlagValues, value: string, exposed: Set<string>, bindings: PortBindings): void {
  let spec = value
  if (value.includes('=')) {
    const params: Record<string, string> = { protocol: 'tcp' }
    for (const param of value.split(',')) {
      const [k, x] = param.split('=')
      if (x === undefined) throw v.error('publish', value, `"${param}" must be name=value`)
      params[k] = x
    }
    spec = `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`
  }
  const parts = spec.split(':')
  const containerRaw = parts.at(-1) ?? ''
  const hostRaw = parts.length > 1 ? parts[parts.length - 2] : ''
  let ip = parts.length > 2 ? parts.slice(0, -2).join(':') : ''
  ip = ip.replace(/^\[(.*)\]$/, '$1')
  if (ip !== '' && isIP(ip) === 0) throw v.error('publish', value, `invalid IP address "${ip}"`)
  const [port, proto] = protoPort(containerRaw)
  if (port === '') throw v.error('publish', value, 'no container port given')
  if (!['tcp', 'udp', 'sctp'].includes(proto))
    throw v.error('publish', value, `invalid protocol "${proto}"`)
  const [start, end] = v.check('publish', value, () => portRange(port))
  const [hostStart, hostEnd] =
    hostRaw === '' ? [0, 0] : v.check('publish', value, () => portRange(hostRaw))
  if (hostRaw !== '' && end - start !== hostEnd - hostStart && end !== start)
    throw v.error('publish', value, 'the container and host port ranges differ in size')
  for (let i = 0; i <= end - start; i++) {
    let hostPort = hostRaw === '' ? '' : String(hostStart + i)
    // One container port and a host range: the engine picks a free port in the range.
    if (start === end && hostStart !== hostEnd) hostPort = `${hostPort}-${hostEnd}`
    const key = `${start + i}/${proto}`
    exposed.add(key)
    ;(bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort })
  }
}

function expose(v: FlagValues, value: string, exposed: Set<string>): void {
  if (value.includes(':')) throw v.error('expose', value, 'takes a port or range, not a mapping')
  const [port, proto] = protoPort(value)
  const [start, end] = v.check('expose', value, () => portRange(port))
  for (let p = start; p <= end; p++) exposed.add(`${p}/${proto}`)
}

export function applyPorts(v: FlagValues, body: CreateBody): void {
  const exposed = new Set<string>()
  const bindings: PortBindings = {}
  for (const value of v.all('publish')) publish(v, value, exposed, bindings)
  for (const value of v.all('expose')) expose(v, value, exposed)
  if (exposed.size > 0) body.ExposedPorts = Object.fromEntries([...exposed].map(p => [p, {}]))
  if (Object.keys(bindings).length > 0) body.HostConfig.PortBindings = bindings
  if (v.bool('publish-all')) body.HostConfig.PublishAllPorts = true
}
