/** PURE: resource limits: CPU, memory, block IO, pids, OOM, ulimits. */
import { decimalUint, goInt, nanoCpus, ramBytes, type FlagValues } from './values'
import { listOrUndefined, set, type CreateBody, type FlagArea } from './area'

const INT_FLAGS: Array<[string, string, number?, number?]> = [
  ['cpu-shares', 'CpuShares'],
  ['cpu-period', 'CpuPeriod'],
  ['cpu-quota', 'CpuQuota'],
  ['cpu-rt-period', 'CpuRealtimePeriod'],
  ['cpu-rt-runtime', 'CpuRealtimeRuntime'],
  ['blkio-weight', 'BlkioWeight', 0, 65535],
  ['pids-limit', 'PidsLimit']
]

const BYTE_FLAGS: Array<[string, string]> = [
  ['memory', 'Memory'],
  ['memory-reservation', 'MemoryReservation'],
  ['kernel-memory', 'KernelMemory'],
  ['shm-size', 'ShmSize']
]

/** `/dev/sda:200`: the device path and the value after the last colon. */
function deviceValue(v: FlagValues, flag: string, value: string): [string, string] {
  const i = value.lastIndexOf(':')
  const path = i < 0 ? '' : value.slice(0, i)
  if (!path.startsWith('/dev/'))
    throw v.error(flag, value, 'needs /dev/<device>:<value>, e.g. /dev/sda:100')
  return [path, value.slice(i + 1)]
}

function weightDevices(v: FlagValues): Array<{ Path: string; Weight: number }> {
  return v.all('blkio-weight-device').map(value => {
    const [Path, raw] = deviceValue(v, 'blkio-weight-device', value)
    const Weight = v.check('blkio-weight-device', value, () => decimalUint(raw))
    if (Weight > 0 && (Weight < 10 || Weight > 1000))
      throw v.error('blkio-weight-device', value, 'the weight must be 0 or between 10 and 1000')
    return { Path, Weight }
  })
}

function throttle(
  v: FlagValues,
  flag: string,
  rate: (raw: string) => number
): Array<{ Path: string; Rate: number }> | undefined {
  const list = v.all(flag).map(value => {
    const [Path, raw] = deviceValue(v, flag, value)
    return { Path, Rate: v.check(flag, value, () => rate(raw)) }
  })
  return listOrUndefined(list)
}

const ULIMITS = new Set([
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack'
])

/** `name=soft[:hard]`; a repeated name keeps the last, as the CLI's map does. */
function ulimits(v: FlagValues): Array<{ Name: string; Soft: number; Hard: number }> | undefined {
  const byName = new Map<string, { Name: string; Soft: number; Hard: number }>()
  for (const value of v.all('ulimit')) {
    const m = /^([^=]*)=(-?\d+)(?::(-?\d+))?$/.exec(value)
    if (!m) throw v.error('ulimit', value, 'needs name=soft[:hard], e.g. nofile=1024:2048')
    if (!ULIMITS.has(m[1])) throw v.error('ulimit', value, `unknown ulimit "${m[1]}"`)
    const Soft = Number(m[2])
    const Hard = m[3] === undefined ? Soft : Number(m[3])
    if (Soft > Hard) throw v.error('ulimit', value, 'the soft limit must not exceed the hard limit')
    byName.set(m[1], { Name: m[1], Soft, Hard })
  }
  return listOrUndefined([...byName.values()])
}

function apply(v: FlagValues, body: CreateBody): void {
  const host = body.HostConfig
  for (const [flag, key, min, max] of INT_FLAGS)
    set(
      host,
      key,
      v.parsed(flag, s => goInt(s, min, max))
    )
  for (const [flag, key] of BYTE_FLAGS) set(host, key, v.parsed(flag, ramBytes))
  set(host, 'NanoCpus', v.parsed('cpus', nanoCpus))
  set(
    host,
    'MemorySwap',
    v.parsed('memory-swap', s => (s === '-1' ? -1 : ramBytes(s)))
  )
  const swappiness = v.parsed('memory-swappiness', goInt)
  if (swappiness !== undefined && swappiness !== -1 && (swappiness < 0 || swappiness > 100))
    throw v.error('memory-swappiness', String(swappiness), 'must be between 0 and 100')
  set(host, 'MemorySwappiness', swappiness)
  set(host, 'OomScoreAdj', v.parsed('oom-score-adj', goInt))
  if (v.has('oom-kill-disable')) host.OomKillDisable = v.bool('oom-kill-disable')
  set(host, 'CpusetCpus', v.last('cpuset-cpus'))
  set(host, 'CpusetMems', v.last('cpuset-mems'))
  set(host, 'BlkioWeightDevice', listOrUndefined(weightDevices(v)))
  set(host, 'BlkioDeviceReadBps', throttle(v, 'device-read-bps', ramBytes))
  set(host, 'BlkioDeviceWriteBps', throttle(v, 'device-write-bps', ramBytes))
  set(host, 'BlkioDeviceReadIOps', throttle(v, 'device-read-iops', decimalUint))
  set(host, 'BlkioDeviceWriteIOps', throttle(v, 'device-write-iops', decimalUint))
  set(host, 'Ulimits', ulimits(v))
}

export const resourceFlags: FlagArea = {
  flags: [
    ...INT_FLAGS.map(([flag]) => flag),
    ...BYTE_FLAGS.map(([flag]) => flag),
    'cpus',
    'memory-swap',
    'memory-swappiness',
    'oom-score-adj',
    'oom-kill-disable',
    'cpuset-cpus',
    'cpuset-mems',
    'blkio-weight-device',
    'device-read-bps',
    'device-write-bps',
    'device-read-iops',
    'device-write-iops',
    'ulimit'
  ],
  apply
}
