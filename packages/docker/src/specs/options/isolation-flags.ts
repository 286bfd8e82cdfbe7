/** PURE: namespaces, privileges and the runtime: --ipc, --pid, --cap-add, --security-opt, … */
import { compactJson, kvMap, type FlagValues } from './values'
import { listOrUndefined, set, type CreateBody, type FlagArea, type OptionsContext } from './area'

// The modes the CLI accepts for each namespace flag (PidMode.Valid() and friends); the CLI
// leaves --ipc to the engine.
const NAMESPACES: Array<[string, string, RegExp]> = [
  ['ipc', 'IpcMode', /^.*$/],
  ['pid', 'PidMode', /^(|host|container:.+)$/],
  ['uts', 'UTSMode', /^(|host)$/],
  ['userns', 'UsernsMode', /^(|host)$/],
  ['cgroupns', 'CgroupnsMode', /^(|host|private)$/]
]

const STRINGS: Array<[string, string]> = [
  ['cgroup-parent', 'CgroupParent'],
  ['isolation', 'Isolation'],
  ['runtime', 'Runtime']
]

const SYSCTL_NAMES = new Set([
  'kernel.msgmax',
  'kernel.msgmnb',
  'kernel.msgmni',
  'kernel.sem',
  'kernel.shmall',
  'kernel.shmmax',
  'kernel.shmmni',
  'kernel.shm_rmid_forced'
])

function sysctls(v: FlagValues): Record<string, string> | undefined {
  const values = v.all('sysctl')
  for (const value of values) {
    const name = value.split('=')[0]
    if (!value.includes('=')) throw v.error('sysctl', value, 'needs name=value')
    if (!SYSCTL_NAMES.has(name) && !/^(fs\.mqueue\.|net\.)/.test(name))
      throw v.error(
        'sysctl',
        value,
        'not a namespaced sysctl the engine allows (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*)'
      )
  }
  return values.length > 0 ? kvMap(values) : undefined
}

/** The CLI reads a seccomp profile file itself and sends its JSON inline. */
function securityOpts(v: FlagValues, ctx: OptionsContext): string[] {
  return v.all('security-opt').map(opt => {
    const eq = opt.indexOf('=')
    if (eq < 0 && opt !== 'no-new-privileges' && !opt.includes(':'))
      throw v.error('security-opt', opt, 'needs key=value, e.g. seccomp=unconfined')
    const sep = eq < 0 ? opt.indexOf(':') : eq
    const [key, value] = [opt.slice(0, sep), opt.slice(sep + 1)]
    if (key !== 'seccomp' || value === 'unconfined' || sep < 0) return opt
    const text = v.check('security-opt', opt, () => ctx.readFile(value))
    return `seccomp=${v.check('security-opt', opt, () => compactJson(text))}`
  })
}

function apply(v: FlagValues, body: CreateBody, ctx: OptionsContext): void {
  const host = body.HostConfig
  for (const [flag, key, valid] of NAMESPACES) {
    const mode = v.last(flag)
    if (mode !== undefined && !valid.test(mode))
      throw v.error(flag, mode, `not a valid ${flag} mode`)
    set(host, key, mode)
  }
  for (const [flag, key] of STRINGS) set(host, key, v.last(flag))
  if (v.bool('privileged')) host.Privileged = true
  if (v.bool('read-only')) host.ReadonlyRootfs = true
  if (v.has('init')) host.Init = v.bool('init')
  set(host, 'CapAdd', listOrUndefined(v.all('cap-add')))
  set(host, 'CapDrop', listOrUndefined(v.all('cap-drop')))
  set(host, 'GroupAdd', listOrUndefined(v.all('group-add')))
  set(host, 'Sysctls', sysctls(v))
  const security = securityOpts(v, ctx)
  // `systempaths=unconfined` is no engine option: it empties the masked and read-only paths.
  if (security.includes('systempaths=unconfined')) {
    host.MaskedPaths = []
    host.ReadonlyPaths = []
  }
  set(host, 'SecurityOpt', listOrUndefined(security.filter(o => o !== 'systempaths=unconfined')))
  const storage = v.all('storage-opt')
  for (const opt of storage)
    if (!opt.includes('=')) throw v.error('storage-opt', opt, 'needs key=value, e.g. size=10G')
  set(host, 'StorageOpt', storage.length > 0 ? kvMap(storage) : undefined)
}

export const isolationFlags: FlagArea = {
  flags: [
    ...NAMESPACES.map(([flag]) => flag),
    ...STRINGS.map(([flag]) => flag),
    'privileged',
    'read-only',
    'init',
    'cap-add',
    'cap-drop',
    'group-add',
    'sysctl',
    'security-opt',
    'storage-opt'
  ],
  apply
}
