/**
 * The flags of `docker create` (Docker CLI 20.10, Debian's docker.io, which the project's
 * scripts install), long name → shorthand and whether the flag takes a value. Also the few
 * `docker run` flags a workflow copied from a `docker run` line may carry (-d, --sig-proxy,
 * --detach-keys), so they can be named in a warning instead of failing the job.
 */
export interface CreateFlag {
  short?: string
  /** A boolean flag: `--flag`, `--flag=false`; never consumes the next word. */
  bool?: true
}

const B = { bool: true } as const
const V = {}

export const CREATE_FLAGS: Readonly<Record<string, CreateFlag>> = {
  'add-host': V,
  attach: { short: 'a' },
  'blkio-weight': V,
  'blkio-weight-device': V,
  'cap-add': V,
  'cap-drop': V,
  'cgroup-parent': V,
  cgroupns: V,
  cidfile: V,
  'cpu-period': V,
  'cpu-quota': V,
  'cpu-rt-period': V,
  'cpu-rt-runtime': V,
  'cpu-shares': { short: 'c' },
  cpus: V,
  'cpuset-cpus': V,
  'cpuset-mems': V,
  detach: { short: 'd', bool: true },
  'detach-keys': V,
  device: V,
  'device-cgroup-rule': V,
  'device-read-bps': V,
  'device-read-iops': V,
  'device-write-bps': V,
  'device-write-iops': V,
  'disable-content-trust': B,
  dns: V,
  'dns-option': V,
  'dns-search': V,
  domainname: V,
  entrypoint: V,
  env: { short: 'e' },
  'env-file': V,
  expose: V,
  gpus: V,
  'group-add': V,
  'health-cmd': V,
  'health-interval': V,
  'health-retries': V,
  'health-start-period': V,
  'health-timeout': V,
  help: B,
  hostname: { short: 'h' },
  init: B,
  interactive: { short: 'i', bool: true },
  ip: V,
  ip6: V,
  ipc: V,
  isolation: V,
  'kernel-memory': V,
  label: { short: 'l' },
  'label-file': V,
  link: V,
  'link-local-ip': V,
  'log-driver': V,
  'log-opt': V,
  'mac-address': V,
  memory: { short: 'm' },
  'memory-reservation': V,
  'memory-swap': V,
  'memory-swappiness': V,
  mount: V,
  name: V,
  network: V,
  'network-alias': V,
  'no-healthcheck': B,
  'oom-kill-disable': B,
  'oom-score-adj': V,
  pid: V,
  'pids-limit': V,
  platform: V,
  privileged: B,
  publish: { short: 'p' },
  'publish-all': { short: 'P', bool: true },
  pull: V,
  'read-only': B,
  restart: V,
  rm: B,
  runtime: V,
  'security-opt': V,
  'shm-size': V,
  'sig-proxy': B,
  'stop-signal': V,
  'stop-timeout': V,
  'storage-opt': V,
  sysctl: V,
  tmpfs: V,
  tty: { short: 't', bool: true },
  ulimit: V,
  user: { short: 'u' },
  userns: V,
  uts: V,
  volume: { short: 'v' },
  'volume-driver': V,
  'volumes-from': V,
  workdir: { short: 'w' }
}

/** Long flag name (without dashes) for a shorthand letter. */
export const SHORTHANDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(CREATE_FLAGS)
    .filter(([, f]) => f.short !== undefined)
    .map(([name, f]) => [f.short as string, name])
)
