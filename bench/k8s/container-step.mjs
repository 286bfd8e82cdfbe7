#!/usr/bin/env node
// A container step of a trivial image (`true` in container-hooks-test/busybox:1) through the
// bundled hook, in volume and copy mode, against a raw pod of the same image from create until
// its container terminated, interleaved, on the local cluster as the minimal-Role account.
// Targets (docs/benchmarks.md): ≤ raw + 1000 ms in volume mode, ≤ raw + 2000 ms in copy mode.
// From the repo root, after scripts/k8s/up and npm run build:
//   eval "$(scripts/k8s/env)"; "$(scripts/node24)" bench/k8s/container-step.mjs [--runs N]
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { core, createPod, NS, sleep } from '../lib/k8s.mjs'
import { median, ms, now, numberArg, root } from '../lib/measure.mjs'

const RUNS = numberArg('--runs', 7)
const HOOK = join(root, 'packages/k8s/dist/index.js')
const BUSYBOX = 'container-hooks-test/busybox:1'

function layout(dir) {
  const paths = ['repo/repo', '_temp/_runner_file_commands', '_temp/_github_home']
  for (const d of [...paths, '_temp/_github_workflow']) mkdirSync(join(dir, d), { recursive: true })
  return dir
}

const mount = (source, target) => ({
  userProvidedValue: null,
  sourceVolumePath: source,
  targetVolumePath: target,
  readOnly: false
})

// What the runner sends for `uses: docker://busybox` with `entrypoint: true`.
const stepArgs = work => ({
  image: BUSYBOX,
  dockerfile: null,
  entryPoint: 'true',
  entryPointArgs: [],
  workingDirectory: '/github/workspace',
  createOptions: null,
  registry: null,
  environmentVariables: { HOME: '/github/home', GITHUB_WORKSPACE: '/github/workspace' },
  portMappings: [],
  systemMountVolumes: [
    mount('/var/run/docker.sock', '/var/run/docker.sock'),
    mount(join(work, '_temp'), '/github/runner_temp'),
    mount(join(work, '_temp/_github_home'), '/github/home'),
    mount(join(work, '_temp/_github_workflow'), '/github/workflow'),
    mount(join(work, '_temp/_runner_file_commands'), '/github/file_commands'),
    mount(join(work, 'repo/repo'), '/github/workspace')
  ],
  userMountVolumes: []
})

function containerStep(work, env) {
  const responseFile = join(work, '_temp', `${randomBytes(4).toString('hex')}.json`)
  writeFileSync(responseFile, '')
  const input = { command: 'run_container_step', responseFile, args: stepArgs(work), state: null }
  const t0 = now()
  const r = spawnSync(process.execPath, [HOOK], {
    input: JSON.stringify(input) + '\n',
    env: { ...process.env, RUNNER_WORKSPACE: join(work, 'repo'), ...env }
  })
  const elapsed = ms(t0)
  if (r.status !== 0) throw new Error(`run_container_step failed (${r.status}): ${r.stdout}`)
  rmSync(responseFile)
  return elapsed
}

async function rawPod() {
  const t0 = now()
  const name = await createPod(
    'bench-raw-step',
    { name: 'step', image: BUSYBOX, command: ['true'] },
    { automountServiceAccountToken: false }
  )
  for (;;) {
    const pod = await core.readNamespacedPod({ name, namespace: NS })
    if (pod.status?.containerStatuses?.[0]?.state?.terminated) break
    await sleep(50)
  }
  const elapsed = ms(t0)
  await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 })
  return elapsed
}

const volumeWork = layout(process.env.HOOKS_K8S_WORK_DIR)
const copyWork = layout(mkdtempSync(join(tmpdir(), 'bench-k8s-step-')))
const COPY = { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy' }
const raws = []
const volumes = []
const copies = []
for (let i = 0; i < RUNS; i++) {
  raws.push(await rawPod())
  volumes.push(containerStep(volumeWork, {}))
  copies.push(containerStep(copyWork, COPY))
}
rmSync(copyWork, { recursive: true, force: true })

const f = x => `${x.toFixed(0)} ms`
const raw = median(raws)
const rows = [
  ['container step `true`, volume mode', median(volumes), 1000],
  ['container step `true`, copy mode', median(copies), 2000]
]
console.log(
  '| measurement | hook (median) | raw pod create → terminated (median) | target | result |'
)
console.log('|---|---|---|---|---|')
for (const [what, ours, extra] of rows) {
  const ok = ours <= raw + extra
  console.log(
    `| ${what} | ${f(ours)} (+${f(ours - raw)}) | ${f(raw)} | ≤ raw + ${extra} ms | ${ok ? 'met' : 'MISSED'} |`
  )
}
console.log(`\nall runs, ms: raw ${raws.map(f).join(', ')}`)
console.log(`volume ${volumes.map(f).join(', ')}\ncopy ${copies.map(f).join(', ')}`)
console.log(`Node ${process.versions.node}, ${RUNS} runs, ${new Date().toISOString()}`)
process.exit(rows.every(([, ours, extra]) => ours <= raw + extra) ? 0 : 1)
