#!/usr/bin/env node
// run_script_step `true` under the sh wrapper that spools the step (docs/adrs/0004) against the
// same step run directly (a state without `shell`, as from an image without sh), interleaved
// round by round on the runner's Node 20 and Node 24. Usage, from the repo root, after
// `npm run build`:  node bench/docker/wrapper-ab.mjs [--runs N]
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median, ms, now, numberArg, root, runnerNodes } from '../lib/measure.mjs'

const require = createRequire(join(root, 'packages/docker/package.json'))
const { hookContainer } = require(join(root, 'packages/hooklib/dist/index.js'))
const HOOK = join(root, 'packages/docker/dist/index.js')
const RUNS = numberArg('--runs', 21)
const RUNNER = `bench-wrapper-${randomBytes(3).toString('hex')}`
const responseFile = join(mkdtempSync(join(tmpdir(), 'bench-wrapper-')), 'response.json')
const step = {
  entryPoint: 'true',
  entryPointArgs: [],
  environmentVariables: {},
  prependPath: [],
  workingDirectory: '/'
}

function hook(node, command, args, state) {
  writeFileSync(responseFile, '')
  const t0 = now()
  const r = spawnSync(node, [HOOK], {
    input: JSON.stringify({ command, responseFile, args, state }) + '\n',
    env: { ...process.env, RUNNER_NAME: RUNNER }
  })
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stdout}${r.stderr}`)
  return ms(t0)
}

const nodes = runnerNodes()
const first = nodes[0].path
const container = hookContainer('container-hooks-test/busybox:1')
hook(first, 'prepare_job', { container, services: [] }, null)
const wrapped = JSON.parse(readFileSync(responseFile, 'utf8')).state
const direct = { ...wrapped, container: { ...wrapped.container, shell: false } }
try {
  for (const { name, version, path: node } of nodes) {
    const times = { wrapped: [], direct: [] }
    for (let i = 0; i < RUNS + 3; i++) {
      const w = hook(node, 'run_script_step', step, wrapped)
      const d = hook(node, 'run_script_step', step, direct)
      // The first rounds warm the V8 code cache and the engine.
      if (i >= 3) (times.wrapped.push(w), times.direct.push(d))
    }
    const [w, d] = [median(times.wrapped), median(times.direct)]
    console.log(
      `${name} (${version}): wrapped ${w.toFixed(1)} ms | direct ${d.toFixed(1)} ms | wrapper +${(w - d).toFixed(1)} ms (medians of ${RUNS})`
    )
  }
} finally {
  hook(first, 'cleanup_job', {}, wrapped)
}
