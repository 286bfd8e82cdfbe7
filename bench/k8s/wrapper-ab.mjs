#!/usr/bin/env node
// run_script_step `true` of two builds of the Kubernetes bundle (A: with the spooling wrapper of
// ADR 0005, B: e.g. main before it), each through the step helper of its own job, interleaved
// round by round with `node -e 0` and a raw exec from a warm process, on the runner's Node 20
// and Node 24. Each bundle gets its own TMPDIR (its V8 code cache and its helper's socket).
// From the repo root, after `npm run build` and a build of B, holding the cluster test lock:
//   eval "$(scripts/k8s/env)"; node bench/k8s/wrapper-ab.mjs [--runs N] A.js B.js
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { jobContainer, k8s, kc, NS } from '../lib/k8s.mjs'
import { median, ms, nodeZero, now, numberArg, runnerNodes } from '../lib/measure.mjs'

const RUNS = numberArg('--runs', 21)
const WARM = 3
const bundles = process.argv.slice(2).filter(a => a.endsWith('.js'))
if (bundles.length !== 2) throw new Error('usage: wrapper-ab.mjs [--runs N] A.js B.js')
const work = process.env.HOOKS_K8S_WORK_DIR
for (const d of ['repo/repo', '_temp/_runner_file_commands', '_temp/_github_home'])
  mkdirSync(join(work, d), { recursive: true })
const tmps = bundles.map(() => mkdtempSync(join(tmpdir(), 'bench-k8s-ab-')))
const step = {
  entryPoint: 'true',
  entryPointArgs: [],
  environmentVariables: {},
  prependPath: [],
  workingDirectory: '/__w'
}
const container = jobContainer(work)

function hook(i, node, command, args, state) {
  const responseFile = join(work, '_temp', `ab-${randomBytes(4).toString('hex')}.json`)
  writeFileSync(responseFile, '')
  const t0 = now()
  const r = spawnSync(node, [bundles[i]], {
    input: JSON.stringify({ command, responseFile, args, state }) + '\n',
    env: { ...process.env, TMPDIR: tmps[i] }
  })
  const elapsed = ms(t0)
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stdout}${r.stderr}`)
  const text = readFileSync(responseFile, 'utf8')
  rmSync(responseFile)
  return { elapsed, state: text ? JSON.parse(text).state : null }
}

function rawExec(pod) {
  return new Promise((resolve, reject) => {
    const t0 = now()
    new k8s.Exec(kc)
      .exec(NS, pod, 'job', ['true'], null, process.stderr, null, false, status =>
        status.status === 'Success' ? resolve(ms(t0)) : reject(new Error(JSON.stringify(status)))
      )
      .catch(reject)
  })
}

const nodes = runnerNodes()
hook(0, nodes[0].path, 'cleanup_job', {}, null)
const lines = []
for (const { name, version, path: node } of nodes) {
  const states = bundles.map(
    (_, i) => hook(i, node, 'prepare_job', { container, services: [] }, null).state
  )
  const t = { a: [], b: [], raw: [], zero: [] }
  for (let r = 0; r < RUNS + WARM; r++) {
    const a = hook(0, node, 'run_script_step', step, states[0]).elapsed
    const b = hook(1, node, 'run_script_step', step, states[1]).elapsed
    const raw = await rawExec(states[0].pod)
    const zero = nodeZero(node)
    // The first rounds warm the code caches, the helpers and the API server's paths.
    if (r >= WARM) (t.a.push(a), t.b.push(b), t.raw.push(raw), t.zero.push(zero))
  }
  for (let i = 0; i < 2; i++) hook(i, node, 'cleanup_job', {}, states[i])
  const [a, b, raw, zero] = [t.a, t.b, t.raw, t.zero].map(median)
  lines.push(
    `${name} (${version}): A ${a.toFixed(1)} ms (${(a / (zero + raw)).toFixed(2)} ×) | B ${b.toFixed(1)} ms (${(b / (zero + raw)).toFixed(2)} ×) | A − B ${(a - b).toFixed(1)} ms | baseline node -e 0 ${zero.toFixed(1)} + raw exec ${raw.toFixed(1)} ms (medians of ${RUNS})`
  )
  console.log(lines.at(-1))
}
for (const dir of tmps) rmSync(dir, { recursive: true, force: true })
console.log(`A = ${bundles[0]}, B = ${bundles[1]}; ${new Date().toISOString()}`)
