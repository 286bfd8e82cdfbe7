#!/usr/bin/env node
// prepare_job A/B: two (or more) builds of the docker bundle, interleaved round by round with the
// raw baseline, each bundle with its own TMPDIR so that each keeps its own V8 code cache. On a
// loaded machine only ratios from the same run compare. Usage, from the repo root:
//   "$(scripts/node24)" bench/docker/prepare-ab.mjs [--runs N] A.js B.js …
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median, ms, nodeZero, now, numberArg, root } from '../lib/measure.mjs'

const require = createRequire(join(root, 'packages/docker/package.json'))
const Docker = require('dockerode')
const docker = new Docker({ socketPath: '/var/run/docker.sock' })
const { hookContainer } = require(join(root, 'packages/hooklib/dist/index.js'))

const RUNS = numberArg('--runs', 9)
const bundles = process.argv.slice(2).filter(a => a.endsWith('.js'))
const BUSYBOX = 'container-hooks-test/busybox:1'
const RUNNER = `bench-ab-${randomBytes(3).toString('hex')}`
const work = mkdtempSync(join(tmpdir(), 'bench-docker-ab-'))
const args = {
  container: hookContainer(BUSYBOX),
  services: [hookContainer(BUSYBOX, { entryPoint: 'tail', entryPointArgs: ['-f', '/dev/null'] })]
}

function hook(i, command, input, state) {
  const dir = join(work, `tmp-${i}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const responseFile = join(dir, 'response.json')
  writeFileSync(responseFile, '')
  const t0 = now()
  const r = spawnSync(process.execPath, [bundles[i]], {
    input: JSON.stringify({ command, responseFile, args: input, state }) + '\n',
    env: { ...process.env, TMPDIR: dir, RUNNER_NAME: `${RUNNER}-${i}` }
  })
  const elapsed = ms(t0)
  if (r.status !== 0) throw new Error(`${bundles[i]} ${command} failed: ${r.stdout}${r.stderr}`)
  const text = readFileSync(responseFile, 'utf8')
  return { elapsed, state: text ? JSON.parse(text).state : null }
}

function prepareAndCleanup(i) {
  const prepared = hook(i, 'prepare_job', args, null)
  hook(i, 'cleanup_job', {}, prepared.state)
  return prepared.elapsed
}

/** The same two containers created and started one after the other from this warm process. */
async function rawCreateStart() {
  const t0 = now()
  const ids = []
  for (const name of ['job', 'svc']) {
    const c = await docker.createContainer({
      name: `${RUNNER}-raw-${name}`,
      Image: BUSYBOX,
      Cmd: ['tail', '-f', '/dev/null']
    })
    await c.start()
    ids.push(c.id)
  }
  const elapsed = ms(t0)
  await Promise.all(ids.map(id => docker.getContainer(id).remove({ force: true })))
  return elapsed
}

try {
  // Warm-up: code caches, page cache.
  for (let k = 0; k < 2; k++) bundles.forEach((_, i) => prepareAndCleanup(i))
  const node = []
  const raw = []
  const hooks = bundles.map(() => [])
  for (let k = 0; k < RUNS; k++) {
    node.push(nodeZero())
    raw.push(await rawCreateStart())
    bundles.forEach((_, i) => hooks[i].push(prepareAndCleanup(i)))
  }
  const floor = median(node) + median(raw)
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
  console.log(
    `Node ${process.versions.node}, ${RUNS} rounds, medians; ${new Date().toISOString()} (load ${load})`
  )
  console.log(
    `node -e 0 ${median(node).toFixed(1)} ms + raw create+start x2 ${median(raw).toFixed(1)} ms = ${floor.toFixed(1)} ms`
  )
  bundles.forEach((b, i) =>
    console.log(
      `${b}: prepare_job ${median(hooks[i]).toFixed(1)} ms = ${(median(hooks[i]) / floor).toFixed(2)}x (target <= 1.2x)`
    )
  )
} finally {
  bundles.forEach((_, i) => {
    try {
      hook(i, 'cleanup_job', {}, null)
    } catch {}
  })
  rmSync(work, { recursive: true, force: true })
}
