/**
 * Brings a create body to a comparable form: the CLI sends every field (zero values included),
 * we send only what the flags set; the engine reads an absent field as its zero value, so zero
 * values are dropped on both sides, except where the engine tells them apart (pointer fields).
 */
type Json = Record<string, unknown>

// Pointer fields in the Engine API: `false`/0/[] there is a setting, not "unset".
const KEEP_ZERO = new Set([
  'Init',
  'StopTimeout',
  'MemorySwappiness',
  'MaskedPaths',
  'ReadonlyPaths'
])
// Maps: their keys are data, and an empty value ("" or {}) is a value.
const MAPS = new Set([
  'Labels',
  'ExposedPorts',
  'Volumes',
  'Tmpfs',
  'Sysctls',
  'StorageOpt',
  'Config',
  'DriverOpts',
  'Options',
  'PortBindings',
  'EndpointsConfig'
])
// The CLI sends these in Go map order, which is random.
const UNORDERED = new Set(['Binds', 'Ulimits', 'Env'])

function isZero(value: unknown, key: string): boolean {
  if (key === 'MemorySwappiness') return value === -1
  if (KEEP_ZERO.has(key)) return value === null || value === undefined
  if (Array.isArray(value)) return value.length === 0
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0
  return value === null || value === '' || value === false || value === 0 || value === undefined
}

function strip(value: unknown, key: string, inMap: boolean): unknown {
  if (Array.isArray(value)) {
    const list = value.map(v => strip(v, key, false))
    return UNORDERED.has(key)
      ? list.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
      : list
  }
  if (value === null || typeof value !== 'object') return value
  const isMap = MAPS.has(key)
  const out: Json = {}
  for (const [k, v] of Object.entries(value as Json)) {
    const s = strip(v, k, isMap)
    if (isMap) out[k] = s ?? {}
    else if (!isZero(s, k)) out[k] = s
  }
  return inMap || Object.keys(out).length > 0 ? out : undefined
}

/**
 * The fields of flags the hook ignores on purpose (it attaches, names, restarts and removes the
 * job's containers itself) and the Image, which the test does not pass to our mapping.
 */
const IGNORED_FIELDS: Array<[string[], string]> = [
  [['Image'], 'the image is not an option'],
  [['AttachStdin'], '-a / -i'],
  [['AttachStdout'], '-a'],
  [['AttachStderr'], '-a'],
  [['OpenStdin'], '-i'],
  [['StdinOnce'], '-i'],
  [['Tty'], '-t'],
  [['HostConfig', 'AutoRemove'], '--rm'],
  [['HostConfig', 'RestartPolicy'], '--restart'],
  [['HostConfig', 'ContainerIDFile'], '--cidfile'],
  [['HostConfig', 'ConsoleSize'], 'a terminal size, for -t']
]

export function normalise(body: Json): Json {
  const copy = JSON.parse(JSON.stringify(body)) as Json
  for (const [path] of IGNORED_FIELDS) {
    const parent = path
      .slice(0, -1)
      .reduce<Json | undefined>((o, k) => o?.[k] as Json | undefined, copy)
    if (parent) delete parent[path[path.length - 1]]
  }
  const host = copy.HostConfig as Json | undefined
  // "default" is what the CLI sends without --network: the engine's default network.
  if (host?.NetworkMode === 'default') delete host.NetworkMode
  return (strip(copy, '', false) as Json | undefined) ?? {}
}
