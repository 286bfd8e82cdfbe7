/**
 * PURE: networking: --network (plain or `name=…,alias=…,driver-opt=…`), the first network's
 * --network-alias/--ip/--ip6/--link/--link-local-ip, DNS, --add-host and the ports.
 */
import { isIP } from 'node:net'
import { csvFields, type FlagValues } from './values'
import { listOrUndefined, set, type CreateBody, type FlagArea, type Json } from './area'
import { applyPorts } from './ports'

export interface Attachment {
  target: string
  aliases: string[]
  driverOpts?: Record<string, string>
}

/** The settings the CLI gives the first network (for a job: the job network). */
export interface FirstNetworkSettings {
  aliases: string[]
  links: string[]
  ipv4?: string
  ipv6?: string
  linkLocalIps: string[]
}

// Modes that are not user-defined networks: no aliases or links, and no second network.
export const BUILTIN_NETWORK = /^(default|bridge|host|none|container:.*)$/

function attachment(v: FlagValues, value: string): Attachment {
  if (!/\w+=\w+/.test(value)) return { target: value, aliases: [] }
  const a: Attachment = { target: '', aliases: [] }
  for (const field of v.check('network', value, csvFields)) {
    const [key, val] = field.split(/=(.*)/s).map(s => s.trim().toLowerCase())
    if (val === undefined) throw v.error('network', value, `"${field}" must be key=value`)
    if (key === 'name') a.target = val
    else if (key === 'alias') a.aliases.push(val)
    else if (key === 'driver-opt') {
      const [k, x] = val.split(/=(.*)/s).map(s => s.trim())
      if (x === undefined) throw v.error('network', value, `driver-opt "${val}" must be key=value`)
      a.driverOpts = { ...a.driverOpts, [k]: x }
    } else throw v.error('network', value, `unknown key "${key}" (name, alias, driver-opt)`)
  }
  if (a.target === '') throw v.error('network', value, 'no network name given')
  return a
}

export function networkAttachments(v: FlagValues): Attachment[] {
  return v.all('network').map(n => attachment(v, n))
}

export function firstNetworkSettings(v: FlagValues): FirstNetworkSettings {
  return {
    aliases: v.all('network-alias'),
    links: v.all('link'),
    ipv4: v.last('ip'),
    ipv6: v.last('ip6'),
    linkLocalIps: v.all('link-local-ip')
  }
}

/** The endpoint the CLI sends for one network; undefined when it has nothing to say. */
export function endpoint(a: Attachment, first: FirstNetworkSettings | undefined): Json | undefined {
  const aliases = [...a.aliases, ...(first?.aliases ?? [])]
  const links = first?.links ?? []
  const ep: Json = {}
  set(ep, 'Aliases', listOrUndefined(aliases))
  set(ep, 'Links', listOrUndefined(links))
  set(ep, 'DriverOpts', a.driverOpts)
  if (first && (first.ipv4 || first.ipv6 || first.linkLocalIps.length > 0)) {
    ep.IPAMConfig = {}
    set(ep.IPAMConfig as Json, 'IPv4Address', first.ipv4 || undefined)
    set(ep.IPAMConfig as Json, 'IPv6Address', first.ipv6 || undefined)
    set(ep.IPAMConfig as Json, 'LinkLocalIPs', listOrUndefined(first.linkLocalIps))
  }
  return Object.keys(ep).length > 0 ? ep : undefined
}

function networks(v: FlagValues, body: CreateBody): void {
  const attachments = networkAttachments(v)
  if (attachments.length === 0) return
  const first = firstNetworkSettings(v)
  const a0 = attachments[0]
  if (a0.aliases.length > 0 && first.aliases.length > 0)
    throw v.error('network-alias', first.aliases[0], 'cannot be combined with alias= in --network')
  const endpoints: Record<string, Json> = {}
  attachments.forEach((a, i) => {
    if (
      BUILTIN_NETWORK.test(a.target) &&
      (a.aliases.length > 0 || (i === 0 && (first.aliases.length > 0 || first.links.length > 0)))
    )
      throw v.error('network', a.target, 'aliases and links need a user-defined network')
    if (a.target in endpoints) throw v.error('network', a.target, 'is given twice')
    const ep = endpoint(a, i === 0 ? first : undefined)
    // One network without settings: the CLI leaves the endpoint to the engine.
    if (ep !== undefined || attachments.length > 1) endpoints[a.target] = ep ?? {}
  })
  const builtin = attachments.filter(a => BUILTIN_NETWORK.test(a.target))
  if (builtin.length > 0 && builtin.length < attachments.length)
    throw v.error('network', builtin[0].target, 'cannot be combined with user-defined networks')
  body.HostConfig.NetworkMode = a0.target
  if (Object.keys(endpoints).length > 0) body.NetworkingConfig = { EndpointsConfig: endpoints }
}

/** Go's net.ParseIP(…).String() for the usual forms. */
function ipAddress(v: FlagValues, flag: string, value: string): string {
  const ip = value.trim()
  if (isIP(ip) === 4) return ip
  if (isIP(ip) === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1)
  throw v.error(flag, value, 'not an IP address')
}

const DOMAIN =
  /^((?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))\.?$/

function dnsSearch(v: FlagValues, value: string): string {
  const domain = value.replace(/^ +| +$/g, '')
  if (domain === '.') return domain
  const m = DOMAIN.exec(domain)
  if (!/[a-zA-Z]/.test(domain) || !m || m[1].length >= 255)
    throw v.error('dns-search', value, 'not a valid domain')
  return m[1]
}

function addHost(v: FlagValues, value: string): string {
  const i = value.indexOf(':')
  if (i <= 0) throw v.error('add-host', value, 'needs host:ip')
  const ip = value.slice(i + 1)
  if (ip !== 'host-gateway' && isIP(ip.trim()) === 0)
    throw v.error('add-host', value, `"${ip}" is not an IP address`)
  return value
}

function links(v: FlagValues): string[] {
  return v.all('link').map(link => {
    if (link === '' || link.split(':').length > 2 || link.endsWith(':'))
      throw v.error('link', link, 'needs <container>[:<alias>]')
    return link
  })
}

function apply(v: FlagValues, body: CreateBody): void {
  const host = body.HostConfig
  networks(v, body)
  set(host, 'Links', listOrUndefined(links(v)))
  set(host, 'Dns', listOrUndefined(v.all('dns').map(d => ipAddress(v, 'dns', d))))
  set(host, 'DnsOptions', listOrUndefined(v.all('dns-option')))
  set(host, 'DnsSearch', listOrUndefined(v.all('dns-search').map(d => dnsSearch(v, d))))
  set(host, 'ExtraHosts', listOrUndefined(v.all('add-host').map(h => addHost(v, h))))
  applyPorts(v, body)
}

export const networkFlags: FlagArea = {
  flags: [
    'network',
    'network-alias',
    'ip',
    'ip6',
    'link',
    'link-local-ip',
    'dns',
    'dns-option',
    'dns-search',
    'add-host',
    'expose',
    'publish',
    'publish-all'
  ],
  apply
}
