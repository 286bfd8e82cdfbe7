/** PURE: flags of the container's own config: env, labels, user, entrypoint, health, stop, logs. */
import { durationNs, goInt, kvMap, keyValue, type FlagValues } from './values'
import { listOrUndefined, set, type CreateBody, type FlagArea, type OptionsContext } from './area'

const WHITESPACE = /[ \t\n\v\f\r]/

/** The CLI's env/label file: `K=V` lines, `#` comments; a bare `K` is looked up, or dropped. */
function kvFile(
  v: FlagValues,
  flag: string,
  path: string,
  ctx: OptionsContext,
  lookup: boolean
): string[] {
  const text = v.check(flag, path, p => ctx.readFile(p))
  const out: string[] = []
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, n) => {
      const line = raw.replace(/^[ \t\n\v\f\r]+/, '').replace(/\r$/, '')
      if (line === '' || line.startsWith('#')) return
      const [name, value] = keyValue(line)
      if (WHITESPACE.test(name))
        throw v.error(flag, path, `line ${n + 1}: variable "${name}" contains whitespace`)
      if (line.includes('=')) out.push(`${name}=${value}`)
      else if (lookup && ctx.env[line.trim()] !== undefined)
        out.push(`${line.trim()}=${ctx.env[line.trim()]}`)
    })
  return out
}

function env(v: FlagValues, ctx: OptionsContext): string[] {
  const fromFiles = v.all('env-file').flatMap(p => kvFile(v, 'env-file', p, ctx, true))
  const fromFlags = v.all('env').map(e => {
    const [name] = keyValue(e)
    if (name === '') throw v.error('env', e, 'needs NAME=value or NAME')
    // `-e NAME` copies the variable from the client's environment when it is set there.
    return e.includes('=') || ctx.env[name] === undefined ? e : `${name}=${ctx.env[name]}`
  })
  // The CLI keeps one `-e` per name, the last (it passes them through a map), after the files'.
  const byName = new Map(fromFlags.map(e => [keyValue(e)[0], e]))
  for (const [name, value] of Object.entries(ctx.proxies ?? {}))
    if (!byName.has(name)) byName.set(name, `${name}=${value}`)
  return [...fromFiles, ...byName.values()]
}

function labels(v: FlagValues, ctx: OptionsContext): Record<string, string> {
  const fromFiles = v.all('label-file').flatMap(p => kvFile(v, 'label-file', p, ctx, false))
  return kvMap([...fromFiles, ...v.all('label')])
}

const HEALTH_DURATIONS: Array<[string, string]> = [
  ['health-interval', 'Interval'],
  ['health-timeout', 'Timeout'],
  ['health-start-period', 'StartPeriod']
]

function healthcheck(v: FlagValues): Record<string, unknown> | undefined {
  const cmd = v.last('health-cmd') ?? ''
  const check: Record<string, unknown> = {}
  if (cmd !== '') check.Test = ['CMD-SHELL', cmd]
  for (const [flag, key] of HEALTH_DURATIONS) {
    const ns = v.parsed(flag, durationNs) ?? 0
    if (ns < 0) throw v.error(flag, v.last(flag) ?? '', 'cannot be negative')
    if (ns !== 0) check[key] = ns
  }
  const retries = v.parsed('health-retries', goInt) ?? 0
  if (retries < 0)
    throw v.error('health-retries', v.last('health-retries') ?? '', 'cannot be negative')
  if (retries !== 0) check.Retries = retries
  const configured = Object.keys(check).length > 0
  if (v.bool('no-healthcheck')) {
    if (configured)
      throw v.error('no-healthcheck', 'true', 'conflicts with the --health-* options given')
    return { Test: ['NONE'] }
  }
  return configured ? check : undefined
}

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$|^([0-9a-f]{2}[:-]){7}[0-9a-f]{2}$/i

function logConfig(v: FlagValues): Record<string, unknown> | undefined {
  const driver = v.last('log-driver') ?? ''
  const opts = v.all('log-opt')
  if (driver === 'none' && opts.length > 0)
    throw v.error('log-opt', opts[0], 'the log driver "none" takes no options')
  return driver === '' && opts.length === 0 ? undefined : { Type: driver, Config: kvMap(opts) }
}

function apply(v: FlagValues, body: CreateBody, ctx: OptionsContext): void {
  set(body, 'Hostname', v.last('hostname'))
  set(body, 'Domainname', v.last('domainname'))
  set(body, 'User', v.last('user'))
  set(body, 'WorkingDir', v.last('workdir'))
  set(body, 'Env', listOrUndefined(env(v, ctx)))
  const entrypoint = v.last('entrypoint')
  // `--entrypoint ""` clears the image's ENTRYPOINT.
  if (entrypoint !== undefined) body.Entrypoint = [entrypoint]
  const labelMap = labels(v, ctx)
  if (Object.keys(labelMap).length > 0) body.Labels = labelMap
  const mac = v.last('mac-address')
  if (mac !== undefined && !MAC.test(mac)) throw v.error('mac-address', mac, 'not a MAC address')
  set(body, 'MacAddress', mac)
  set(body, 'StopSignal', v.last('stop-signal'))
  set(body, 'StopTimeout', v.parsed('stop-timeout', goInt))
  set(body, 'Healthcheck', healthcheck(v))
  set(body.HostConfig, 'LogConfig', logConfig(v))
}

export const configFlags: FlagArea = {
  flags: [
    'hostname',
    'domainname',
    'user',
    'workdir',
    'env',
    'env-file',
    'entrypoint',
    'label',
    'label-file',
    'mac-address',
    'stop-signal',
    'stop-timeout',
    'health-cmd',
    'health-interval',
    'health-timeout',
    'health-start-period',
    'health-retries',
    'no-healthcheck',
    'log-driver',
    'log-opt'
  ],
  apply
}
