#!/usr/bin/env node
// Kubernetes hook benchmarks, measured side by side in one run (interleaved with their raw
// baselines) on the local cluster, as the minimal-Role account, on the runner's Node 20 and
// Node 24 (each hook figure against `node -e 0` of the same Node), printing ratios against the
// targets in docs/benchmarks.md. From the repo root, after scripts/k8s/up and npm run build:
//   eval "$(scripts/k8s/env)"; node bench/k8s/run.mjs [--runs N] [--files N]
//     [--only volume|cold|copy]
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BUSYBOX,
  core,
  createPod,
  jobContainer as container,
  k8s,
  kc,
  NS,
  sleep
} from '../lib/k8s.mjs'
import { median, ms, nodeZero, now, numberArg, root, runnerNodes } from '../lib/measure.mjs'

const RUNS = numberArg('--runs', 7)
const FILES = numberArg('--files', 25_781)
const NODES = runnerNodes()
const HOOK = join(root, 'packages/k8s/dist/index.js')

function layout(dir) {
  for (const d of [
    'repo/repo',
    '_temp/_runner_file_commands',
    '_temp/_github_home',
    '_temp/_github_workflow',
    '_actions',
    '_tool'
  ]) {
    mkdirSync(join(dir, d), { recursive: true })
  }
  return dir
}

function hook(command, args, state, work, env = {}, node = NODES[0].path) {
  const responseFile = join(work, '_temp', `${randomBytes(4).toString('hex')}.json`)
  writeFileSync(responseFile, '')
  const t0 = now()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', node, HOOK], {
    input: JSON.stringify({ command, responseFile, args, state }) + '\n',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024
  })
  const elapsed = ms(t0)
  const stdout = r.stdout.toString()
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${stdout}${r.stderr}`)
  const text = readFileSync(responseFile, 'utf8')
  rmSync(responseFile)
  const rssKb = Number(r.stderr.toString().trim().split('\n').pop())
  return { elapsed, stdout, rssMb: rssKb / 1024, response: text ? JSON.parse(text) : null }
}

const trueStep = {
  entryPoint: 'true',
  entryPointArgs: [],
  environmentVariables: {},
  prependPath: [],
  workingDirectory: '/__w'
}

// A fake API server: the time from spawning the bundle to its first request is its cold start.
async function coldStarts(runs, node) {
  let firstRequest
  const server = createServer((req, res) => {
    firstRequest ??= now()
    res.setHeader('Content-Type', 'application/json')
    res.end(req.method === 'GET' ? '{"items":[]}' : '{}')
  })
  await new Promise(r => server.listen(0, '127.0.0.1', r))
  const dir = mkdtempSync(join(tmpdir(), 'bench-k8s-cold-'))
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'fake',
      clusters: [
        {
          name: 'fake',
          cluster: {
            server: `http://127.0.0.1:${server.address().port}`,
            'insecure-skip-tls-verify': true
          }
        }
      ],
      users: [{ name: 'fake', user: { token: 'x' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }]
    })
  )
  const times = []
  for (let i = 0; i < runs; i++) {
    firstRequest = undefined
    const t0 = now()
    const child = spawn(node, [HOOK], {
      env: { ...process.env, KUBECONFIG: kubeconfig, ACTIONS_RUNNER_POD_NAME: 'bench' },
      stdio: ['pipe', 'ignore', 'ignore']
    })
    child.stdin.end(
      JSON.stringify({
        command: 'cleanup_job',
        responseFile: join(dir, 'r'),
        args: {},
        state: null
      }) + '\n'
    )
    await new Promise(r => child.on('close', r))
    times.push(Number(firstRequest - t0) / 1e6)
  }
  server.close()
  rmSync(dir, { recursive: true })
  return times
}

async function waitReady(name) {
  for (;;) {
    const pod = await core.readNamespacedPod({ name, namespace: NS })
    if (pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')) return
    await sleep(50)
  }
}

async function rawPod() {
  const t0 = now()
  const name = await createPod(
    'bench-raw',
    {
      name: 'job',
      image: BUSYBOX,
      command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done']
    },
    { terminationGracePeriodSeconds: 0 }
  )
  await waitReady(name)
  const elapsed = ms(t0)
  return { name, elapsed }
}

function rawExec(pod, command, stdin) {
  return new Promise((resolveExec, reject) => {
    const t0 = now()
    new k8s.Exec(kc)
      .exec(NS, pod, 'job', command, null, process.stderr, stdin ?? null, false, status =>
        status.status === 'Success'
          ? resolveExec(ms(t0))
          : reject(new Error(JSON.stringify(status)))
      )
      .catch(reject)
  })
}

/** `kubectl exec` of the command: the raw exec an admin would type, kubectl's start-up included. */
function rawKubectlExec(pod, command) {
  const t0 = now()
  const r = spawnSync('kubectl', ['-n', NS, 'exec', pod, '-c', 'job', '--', ...command])
  if (r.status !== 0) throw new Error(`kubectl exec failed: ${r.stderr}`)
  return ms(t0)
}

/** `tar c | kubectl exec -i … tar x` of `dir` into `podDir` (a new folder) of the job container. */
function rawTar(pod, dir, podDir) {
  const t0 = now()
  const r = spawnSync('sh', [
    '-c',
    `tar c -C "$1" . | kubectl -n "$2" exec -i "$3" -c job -- sh -c 'mkdir -p "$0" && tar x -C "$0"' "$4"`,
    'raw',
    dir,
    NS,
    pod,
    podDir
  ])
  if (r.status !== 0) throw new Error(`raw tar failed: ${r.stderr}`)
  return ms(t0)
}

/**
 * Waits until the hook's pods are gone and the disk has been idle for a second (nothing
 * written, discarded or in flight): deleting a pod's 25,781-file emptyDir and the writeback of
 * a copy keep this VM's disk busy for seconds after, and would land on whichever copy came next.
 */
async function quietDisk() {
  for (;;) {
    const pods = await core.listNamespacedPod({
      namespace: NS,
      labelSelector: 'app.kubernetes.io/managed-by=container-hooks'
    })
    if (pods.items.length === 0) break
    await sleep(200)
  }
  spawnSync('sync')
  const device = spawnSync('findmnt', ['-no', 'SOURCE', '-T', tmpdir()]).stdout.toString().trim()
  const statFile = `/sys/class/block/${device.replace('/dev/', '')}/stat`
  // Fields of the block stat file: 7 sectors written, 9 in flight, 14 sectors discarded.
  const stat = () => readFileSync(statFile, 'utf8').trim().split(/\s+/).map(Number)
  let before = stat()
  for (let idle = 0; idle < 4;) {
    await sleep(250)
    const after = stat()
    idle = after[6] === before[6] && after[13] === before[13] && after[8] === 0 ? idle + 1 : 0
    before = after
  }
}

/** Peak RSS (VmHWM) in MB of the step helper of `pod` (src/step-helper), or NaN if none runs. */
function helperPeakMb(pod) {
  for (const pid of readdirSync('/proc').filter(e => /^\d+$/.test(e))) {
    let argv
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    const at = argv.indexOf('--step-helper')
    if (at < 0 || argv[at + 1] !== pod) continue
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024
  }
  return NaN
}

function makeTree(dir, files) {
  // ~130 files per folder, a few KB each, like a checked-out repository.
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'repo/repo', `d${Math.floor(i / 130)}`)
    if (i % 130 === 0) mkdirSync(sub, { recursive: true })
    writeFileSync(join(sub, `f${i}.txt`), `file ${i}\n`.repeat(1 + (i % 200)))
  }
}

const copyMs = (stdout, pattern) => Number(new RegExp(pattern).exec(stdout)?.[1] ?? NaN)
const rows = []
/**
 * One figure on both Nodes: `cells` maps each Node's name to { ours, raw, ok } (what the hook
 * measured, its baseline, whether the target held on that Node).
 */
const report = (what, cells, target) => {
  rows.push({ what, cells, target })
  for (const [node, c] of Object.entries(cells))
    console.log(
      `${c.ok ? 'PASS' : 'FAIL'}  ${what} on ${node}: ${c.ours}  vs  ${c.raw}  (target ${target})`
    )
}
const byNode = fn => Object.fromEntries(NODES.map(n => [n.name, fn(n)]))
const f = x => `${x.toFixed(0)} ms`

/** A job on `node`: prepare_job, three `true` steps each beside its raw baselines, cleanup_job. */
async function volumeJob(node, volWork, s) {
  const prepared = hook(
    'prepare_job',
    { container: container(volWork), services: [] },
    null,
    volWork,
    {},
    node.path
  )
  s.prepares.push(prepared.elapsed)
  const state = prepared.response.state
  for (let j = 0; j < 3; j++) {
    s.zeros.push(nodeZero(node.path))
    s.rawExecs.push(await rawExec(state.pod, ['true']))
    s.kubectlExecs.push(rawKubectlExec(state.pod, ['true']))
    const step = hook('run_script_step', trueStep, state, volWork, {}, node.path)
    s.steps.push(step.elapsed)
    s.rss.push(step.rssMb)
  }
  s.helperRss.push(helperPeakMb(state.pod))
  hook('cleanup_job', {}, state, volWork, {}, node.path)
}

// Volume mode: prepare_job, script step, RSS; each round a job on each Node beside one raw pod.
async function volumeMode() {
  const volWork = layout(process.env.HOOKS_K8S_WORK_DIR)
  hook('cleanup_job', {}, null, volWork)
  const raws = []
  const per = byNode(() => ({
    prepares: [],
    steps: [],
    rawExecs: [],
    kubectlExecs: [],
    zeros: [],
    rss: [],
    helperRss: []
  }))
  for (let i = 0; i < RUNS; i++) {
    const raw = await rawPod()
    raws.push(raw.elapsed)
    // Which Node goes first alternates, so that neither always runs right after the raw pod.
    for (const node of i % 2 ? [...NODES].reverse() : NODES)
      await volumeJob(node, volWork, per[node.name])
    await core.deleteNamespacedPod({ name: raw.name, namespace: NS, gracePeriodSeconds: 0 })
  }
  const m = byNode(n =>
    Object.fromEntries(
      Object.entries(per[n.name]).map(([k, v]) => [
        k,
        k.endsWith('Rss') || k === 'rss' ? Math.max(...v) : median(v)
      ])
    )
  )
  report(
    'prepare_job (local image, volume mode)',
    byNode(n => ({
      ours: f(m[n.name].prepares),
      raw: `raw pod create → Ready ${f(median(raws))}`,
      ok: m[n.name].prepares <= median(raws) + 1500
    })),
    'raw + 1500 ms'
  )
  report(
    'run_script_step `true`',
    byNode(n => {
      const x = m[n.name]
      const base = x.zeros + x.rawExecs
      return {
        ours: `${f(x.steps)} (${(x.steps / base).toFixed(2)} ×)`,
        raw: `node -e 0 ${f(x.zeros)} + raw exec from a warm process ${f(x.rawExecs)}`,
        ok: x.steps <= 1.3 * base
      }
    }),
    '≤ 1.3 ×'
  )
  report(
    'run_script_step `true`',
    byNode(n => {
      const x = m[n.name]
      const base = x.zeros + x.kubectlExecs
      return {
        ours: `${f(x.steps)} (${(x.steps / base).toFixed(2)} ×)`,
        raw: `node -e 0 ${f(x.zeros)} + kubectl exec ${f(x.kubectlExecs)}`,
        ok: x.steps <= 1.3 * base
      }
    }),
    '≤ 1.3 ×'
  )
  // The job's step helper ran the steps' exec: its own peak counts too.
  for (const [what, key] of [
    ['peak RSS of a script step', 'rss'],
    ["peak RSS of the job's step helper", 'helperRss']
  ]) {
    report(
      what,
      byNode(n => ({
        ours: `${m[n.name][key].toFixed(0)} MB`,
        raw: '-',
        ok: m[n.name][key] <= 100
      })),
      '≤ 100 MB'
    )
  }
}

// Cold start to the first API call, each Node against its own `node -e 0`, interleaved.
async function coldStart() {
  const colds = byNode(() => [])
  const zeros = byNode(() => [])
  for (let i = 0; i < RUNS * 2; i++) {
    for (const n of NODES) {
      colds[n.name].push(...(await coldStarts(1, n.path)))
      zeros[n.name].push(nodeZero(n.path))
    }
  }
  report(
    'cold start to the first API call',
    byNode(n => {
      const [c, z] = [median(colds[n.name]), median(zeros[n.name])]
      return {
        ours: `${f(c)} (${(c / z).toFixed(2)} ×)`,
        raw: `node -e 0 ${f(z)}`,
        ok: c <= 2.5 * z
      }
    }),
    '≤ 2.5 ×'
  )
}

// Copy mode: the first copy of a big workspace, and a re-sync when nothing changed. The raw
// copy goes into a job pod the hook just prepared with an empty workspace, i.e. at the same
// point of the pod's life as the hook's own first copy; the order of the three copies of a round
// rotates, as this VM's disk slows down under a long run of writes.
async function copyMode() {
  const copyWork = layout(mkdtempSync(join(tmpdir(), 'bench-k8s-copy-')))
  const emptyWork = layout(mkdtempSync(join(tmpdir(), 'bench-k8s-empty-')))
  makeTree(copyWork, FILES)
  const COPY = { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy', RUNNER_DEBUG: '1' }
  const prepare = (work, node) =>
    hook('prepare_job', { container: container(work), services: [] }, null, work, COPY, node)
  const pushes = byNode(() => [])
  const resyncs = byNode(() => [])
  const ratios = byNode(() => [])
  const rawTars = []
  const hookCopy = node => async () => {
    await quietDisk()
    const prepared = prepare(copyWork, node.path)
    const state = prepared.response.state
    pushes[node.name].push(
      copyMs(prepared.stdout, "Copied the runner's _work into the pod in (\\d+) ms")
    )
    hook('run_script_step', trueStep, state, copyWork, COPY, node.path)
    const step = hook('run_script_step', trueStep, state, copyWork, COPY, node.path)
    resyncs[node.name].push(
      copyMs(step.stdout, 'into the pod in (\\d+) ms') +
        copyMs(step.stdout, 'out of the pod in (\\d+) ms')
    )
    hook('cleanup_job', {}, state, copyWork, {}, node.path)
  }
  const rawCopy = async () => {
    await quietDisk()
    const state = prepare(emptyWork).response.state
    rawTars.push(rawTar(state.pod, copyWork, '/__w/raw'))
    hook('cleanup_job', {}, state, emptyWork)
  }
  const copies = [...NODES.map(hookCopy), rawCopy]
  for (let i = 0; i < Math.max(4, Math.ceil(RUNS / 2)); i++) {
    for (let k = 0; k < copies.length; k++) await copies[(i + k) % copies.length]()
    for (const n of NODES) ratios[n.name].push(pushes[n.name].at(-1) / rawTars.at(-1))
    console.log(
      `copy ${i + 1}: ${NODES.map(n => `${n.name} ${f(pushes[n.name].at(-1))}`).join(', ')}, raw ${f(rawTars.at(-1))}`
    )
  }
  report(
    `copy mode: ${FILES} files into the job pod`,
    byNode(n => ({
      ours: `${f(median(pushes[n.name]))}, median ratio per run ${median(ratios[n.name]).toFixed(2)} ×`,
      raw: `raw tar c \\| kubectl exec -i tar x ${f(median(rawTars))}`,
      ok: median(ratios[n.name]) <= 1.3
    })),
    '≤ 1.3 ×'
  )
  report(
    'copy mode: re-sync of an unchanged workspace (in + out)',
    byNode(n => ({
      ours: f(median(resyncs[n.name])),
      raw: '-',
      ok: median(resyncs[n.name]) <= 1000
    })),
    '≤ 1000 ms'
  )
  for (const dir of [copyWork, emptyWork]) rmSync(dir, { recursive: true, force: true })
}

const parts = { volume: volumeMode, cold: coldStart, copy: copyMode }
const only = process.argv.includes('--only')
  ? process.argv[process.argv.indexOf('--only') + 1]
  : null
if (only && !parts[only]) throw new Error(`--only takes one of: ${Object.keys(parts).join(', ')}`)
for (const [name, part] of Object.entries(parts)) if (!only || only === name) await part()

const names = NODES.map(n => n.name)
console.log(
  `\n| measurement | ${names.map(n => `${n}: ours (median) | ${n}: baseline (median)`).join(' | ')} | target | result |`
)
console.log(`|---|${names.map(() => '---|---').join('|')}|---|---|`)
for (const r of rows) {
  const cells = names.map(n => `${r.cells[n].ours} | ${r.cells[n].raw}`).join(' | ')
  const ok = names.every(n => r.cells[n].ok)
  console.log(`| ${r.what} | ${cells} | ${r.target} | ${ok ? 'pass' : 'FAIL'} |`)
}
console.log(
  `\n${NODES.map(n => `${n.name} = ${n.version}`).join(', ')}; ${RUNS} runs, ${new Date().toISOString()}`
)
process.exit(rows.every(r => names.every(n => r.cells[n].ok)) ? 0 : 1)
