/**
 * A workflow's `options:` string (the runner's `createOptions`) read into the typed subset of
 * `docker create` flags the Kubernetes hook maps. Other flags are returned, not thrown, so the
 * hook can name them in its warning. (The Docker hook maps every flag from parseCreateFlags.)
 */
import { parseCreateFlags, refuseUnknownFlags } from './create-flags-parse'
import { InputError } from './errors'

export interface EnvOption {
  name: string
  /** Absent for `-e NAME`: docker then copies the variable from the client's environment. */
  value?: string
}

export interface UlimitOption {
  name: string
  soft: number
  hard: number
}

export interface MountOption {
  type: 'bind' | 'volume' | 'tmpfs'
  source?: string
  target: string
  readOnly: boolean
}

export interface HealthOptions {
  /** Shell command (docker's CMD-SHELL form). */
  cmd?: string
  /** `--no-healthcheck` or `--health-cmd none`: also disables the image's own check. */
  disabled: boolean
  intervalMs?: number
  timeoutMs?: number
  retries?: number
  startPeriodMs?: number
}

export interface CreateOptions {
  cpus?: number
  memoryBytes?: number
  /** -1 means unlimited swap. */
  memorySwapBytes?: number
  shmSizeBytes?: number
  user?: string
  env: EnvOption[]
  health: HealthOptions
  hostname?: string
  /** `host:ip` pairs. */
  addHosts: string[]
  privileged: boolean
  capAdd: string[]
  capDrop: string[]
  /** Mount path → tmpfs options ("" when none). */
  tmpfs: Record<string, string>
  ulimits: UlimitOption[]
  mounts: MountOption[]
  /** Raw `-v` values, `source:target[:mode]`. */
  volumes: string[]
  networkAliases: string[]
  /** Overrides the image's ENTRYPOINT with this single executable, as `docker create` does. */
  entrypoint?: string
  workdir?: string
  labels: Record<string, string>
  init: boolean
  ipc?: string
  pid?: string
}

export interface ParsedCreateOptions {
  options: CreateOptions
  /** `docker create` flags outside the typed subset, in input order. */
  unknown: string[]
}

type Apply = (o: CreateOptions, value: string, flag: string) => void

const BOOLEANS: Record<string, (o: CreateOptions, on: boolean) => void> = {
  privileged: (o, on) => (o.privileged = on),
  init: (o, on) => (o.init = on),
  'no-healthcheck': (o, on) => (o.health.disabled = on)
}

const VALUES: Record<string, Apply> = {
  cpus: (o, v, f) => (o.cpus = positiveNumber(v, f)),
  memory: (o, v, f) => (o.memoryBytes = parseBytes(v, f)),
  'memory-swap': (o, v, f) => (o.memorySwapBytes = v === '-1' ? -1 : parseBytes(v, f)),
  'shm-size': (o, v, f) => (o.shmSizeBytes = parseBytes(v, f)),
  user: (o, v) => (o.user = v),
  env: (o, v) => o.env.push(parseEnv(v)),
  'health-cmd': (o, v) => {
    if (v === 'none') o.health.disabled = true
    else o.health.cmd = v
  },
  'health-interval': (o, v, f) => (o.health.intervalMs = parseDuration(v, f)),
  'health-timeout': (o, v, f) => (o.health.timeoutMs = parseDuration(v, f)),
  'health-start-period': (o, v, f) => (o.health.startPeriodMs = parseDuration(v, f)),
  'health-retries': (o, v, f) => (o.health.retries = nonNegativeInteger(v, f)),
  hostname: (o, v) => (o.hostname = v),
  'add-host': (o, v, f) => o.addHosts.push(parseAddHost(v, f)),
  'cap-add': (o, v) => o.capAdd.push(v),
  'cap-drop': (o, v) => o.capDrop.push(v),
  tmpfs: (o, v) => {
    const i = v.indexOf(':')
    o.tmpfs[i < 0 ? v : v.slice(0, i)] = i < 0 ? '' : v.slice(i + 1)
  },
  ulimit: (o, v, f) => o.ulimits.push(parseUlimit(v, f)),
  mount: (o, v, f) => o.mounts.push(parseMount(v, f)),
  volume: (o, v) => o.volumes.push(v),
  'network-alias': (o, v) => o.networkAliases.push(v),
  entrypoint: (o, v) => (o.entrypoint = v),
  workdir: (o, v) => (o.workdir = v),
  label: (o, v) => {
    const i = v.indexOf('=')
    o.labels[i < 0 ? v : v.slice(0, i)] = i < 0 ? '' : v.slice(i + 1)
  },
  ipc: (o, v) => (o.ipc = v),
  pid: (o, v) => (o.pid = v)
}

function emptyCreateOptions(): CreateOptions {
  return {
    env: [],
    health: { disabled: false },
    addHosts: [],
    privileged: false,
    capAdd: [],
    capDrop: [],
    tmpfs: {},
    ulimits: [],
    mounts: [],
    volumes: [],
    networkAliases: [],
    labels: {},
    init: false
  }
}

/**
 * Reads `raw` as `docker create` does (see parseCreateFlags) into the typed subset above. A bad
 * value, an unknown flag or a stray word throws InputError naming `field`; the other
 * `docker create` flags are returned in `unknown` (long form) for the hook to name.
 */
export function parseCreateOptions(
  raw: string | null | undefined,
  field = 'createOptions'
): ParsedCreateOptions {
  const options = emptyCreateOptions()
  const parsed = parseCreateFlags(raw, field)
  refuseUnknownFlags(parsed, raw, field)
  const unknown: string[] = []
  for (const { name, value } of parsed.flags) {
    const where = `${field}: --${name}`
    if (name in BOOLEANS) BOOLEANS[name](options, value === 'true')
    else if (name in VALUES) VALUES[name](options, value, where)
    else if (!unknown.includes(`--${name}`)) unknown.push(`--${name}`)
  }
  return { options, unknown }
}

function positiveNumber(value: string, where: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InputError(`${where} needs a positive number, got "${value}"`)
  return n
}

function nonNegativeInteger(value: string, where: string): number {
  if (!/^\d+$/.test(value)) throw new InputError(`${where} needs a whole number, got "${value}"`)
  return Number(value)
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
  p: 2 ** 50
}

/**
 * go-units' RAMInBytes, as the Docker CLI reads sizes: binary multiples, `512m`, `1.5g`, `1024`,
 * `2GiB`, truncated to whole bytes; undefined when `value` is not a size.
 */
export function ramInBytes(value: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$/i.exec(value)
  return m ? Math.trunc(Number(m[1]) * BYTE_UNITS[m[2].toLowerCase()]) : undefined
}

/** ramInBytes, or an InputError naming `where`. */
export function parseBytes(value: string, where = 'size'): number {
  const bytes = ramInBytes(value.trim())
  if (bytes === undefined)
    throw new InputError(`${where} needs a size such as 512m or 2g, got "${value}"`)
  return bytes
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1e3,
  m: 6e4,
  h: 3.6e6
}

/** Go durations as docker reads them: `30s`, `1m30s`, `500ms`, `0`. Returns milliseconds. */
export function parseDuration(value: string, where = 'duration'): number {
  if (value === '0') return 0
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y
  let total = 0
  let pos = 0
  while (pos < value.length) {
    part.lastIndex = pos
    const m = part.exec(value)
    if (!m) throw new InputError(`${where} needs a duration such as 10s or 1m30s, got "${value}"`)
    total += Number(m[1]) * DURATION_UNITS[m[2]]
    pos = part.lastIndex
  }
  if (pos === 0)
    throw new InputError(`${where} needs a duration such as 10s or 1m30s, got "${value}"`)
  return total
}

function parseEnv(value: string): EnvOption {
  const i = value.indexOf('=')
  return i < 0 ? { name: value } : { name: value.slice(0, i), value: value.slice(i + 1) }
}

function parseAddHost(value: string, where: string): string {
  const i = value.search(/[:=]/)
  if (i <= 0 || i === value.length - 1)
    throw new InputError(`${where} needs host:ip, got "${value}"`)
  return `${value.slice(0, i)}:${value.slice(i + 1)}`
}

function parseUlimit(value: string, where: string): UlimitOption {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value)
  if (!m)
    throw new InputError(`${where} needs name=soft[:hard], e.g. nofile=1024:2048, got "${value}"`)
  const soft = Number(m[2])
  return { name: m[1], soft, hard: m[3] === undefined ? soft : Number(m[3]) }
}

function parseMount(value: string, where: string): MountOption {
  const fields: Record<string, string | undefined> = {}
  for (const pair of value.split(',')) {
    const i = pair.indexOf('=')
    fields[i < 0 ? pair : pair.slice(0, i)] = i < 0 ? undefined : pair.slice(i + 1)
  }
  const keys = new Set(['type', 'source', 'src', 'target', 'destination', 'dst', 'readonly', 'ro'])
  const bad = Object.keys(fields).filter(k => !keys.has(k))
  if (bad.length > 0)
    throw new InputError(
      `${where} "${value}": unsupported key ${bad.join(', ')} (use type, source, target, readonly)`
    )
  const type = fields.type ?? 'volume'
  if (type !== 'bind' && type !== 'volume' && type !== 'tmpfs') {
    throw new InputError(`${where} "${value}": type must be bind, volume or tmpfs, got "${type}"`)
  }
  const target = fields.target ?? fields.destination ?? fields.dst
  if (!target) throw new InputError(`${where} "${value}" needs target=<container path>`)
  const ro = 'readonly' in fields ? fields.readonly : fields.ro
  const readOnly = ('readonly' in fields || 'ro' in fields) && ro !== 'false' && ro !== '0'
  const source = fields.source ?? fields.src
  return source === undefined ? { type, target, readOnly } : { type, source, target, readOnly }
}
