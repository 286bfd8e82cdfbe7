#!/usr/bin/env node
// Docker hook benchmarks, all measured side by side in one run on the runner's Node 20 and Node 24
// (the hook and its `node -e 0` on the same Node, round by round), printing ratios against their
// targets (docs/benchmarks.md). Usage, from the repo root, after scripts/infra/up and npm run build:
//   node bench/docker/run.mjs [--runs N] [--gigabytes G]
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median, ms, nodeZero, now, numberArg, root, runnerNodes } from '../lib/measure.mjs'

const require = createRequire(join(root, 'packages/docker/package.json'))
const Docker = require('dockerode')
const docker = new Docker({ socketPath: '/var/run/docker.sock' })
// Runner-shaped HookContainer payloads, from hooklib's build (npm run build).
const { hookContainer } = require(join(root, 'packages/hooklib/dist/index.js'))

const RUNS = numberArg('--runs', 15)
const GIGABYTES = numberArg('--gigabytes', 1)
const NODES = runnerNodes()
const HOOK = join(root, 'packages/docker/dist/index.js')
const BUSYBOX = 'container-hooks-test/busybox:1'
const RUNNER = `bench-${randomBytes(3).toString('hex')}`
const work = mkdtempSync(join(tmpdir(), 'bench-docker-'))

function hook(node, command, args, state, extraEnv = {}) {
  const responseFile = join(work, `${randomBytes(4).toString('hex')}.json`)
  writeFileSync(responseFile, '')
  const t0 = now()
  const r = spawnSync(node, [HOOK], {
    input: JSON.stringify({ command, responseFile, args, state }) + '\n',
    env: { ...process.env, RUNNER_NAME: RUNNER, ...extraEnv },
    maxBuffer: 64 * 1024 * 1024
  })
  const elapsed = ms(t0)
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stdout}${r.stderr}`)
  const text = readFileSync(responseFile, 'utf8')
  return { elapsed, response: text ? JSON.parse(text) : null }
}

const TRUE_STEP = {
  entryPoint: 'true',
  entryPointArgs: [],
  environmentVariables: {},
  prependPath: [],
  workingDirectory: '/'
}
const service = () =>
  hookContainer(BUSYBOX, { entryPoint: 'tail', entryPointArgs: ['-f', '/dev/null'] })
const prepareArgs = () => ({ container: hookContainer(BUSYBOX), services: [service()] })

async function rawExecApi(id) {
  const t0 = now()
  const exec = await docker
    .getContainer(id)
    .exec({ Cmd: ['true'], AttachStdout: true, AttachStderr: true })
  const stream = await exec.start({ hijack: true, stdin: false })
  await new Promise(r => {
    stream.on('end', r)
    stream.resume()
  })
  await exec.inspect()
  return ms(t0)
}

function rawExecCli(id) {
  const t0 = now()
  spawnSync('docker', ['exec', id, 'true'])
  return ms(t0)
}

/**
 * Two containers created and started one after the other, as two `docker run -d` would.
 * `network`: 'bridge' on the engine's default bridge; 'user' on a user-defined network that
 * exists before the timer starts (where the hook's containers are: a start there is slower, the
 * engine sets up its embedded DNS); 'created' also times what the hook does on top, a pull
 * attempt per image and the network create.
 */
async function rawCreateStart(network) {
  const tag = randomBytes(3).toString('hex')
  const name = `bench-raw-${tag}`
  if (network === 'user') await docker.createNetwork({ Name: name })
  const t0 = now()
  if (network === 'created') {
    await docker.pull(BUSYBOX).then(
      stream => new Promise(r => docker.modem.followProgress(stream, r)),
      () => undefined
    )
    await docker.createNetwork({ Name: name })
  }
  const ids = []
  for (const role of ['job', 'svc']) {
    const c = await docker.createContainer({
      name: `${name}-${role}`,
      Image: BUSYBOX,
      Cmd: ['tail', '-f', '/dev/null'],
      HostConfig: { NetworkMode: network === 'bridge' ? undefined : name }
    })
    await c.start()
    ids.push(c.id)
  }
  const elapsed = ms(t0)
  await Promise.all(ids.map(id => docker.getContainer(id).remove({ force: true })))
  if (network !== 'bridge') await docker.getNetwork(name).remove()
  return elapsed
}

/** Time from spawn to the first connection on a fake engine socket: the hook's cold start. */
async function coldStart(node) {
  const socket = join(work, `engine-${randomBytes(3).toString('hex')}.sock`)
  const responseFile = join(work, 'cold.json')
  writeFileSync(responseFile, '')
  const server = createServer()
  await new Promise(r => server.listen(socket, r))
  const t0 = now()
  const child = spawn(node, [HOOK], {
    env: { ...process.env, RUNNER_NAME: RUNNER, DOCKER_HOST: `unix://${socket}` },
    stdio: ['pipe', 'ignore', 'ignore']
  })
  child.stdin.end(
    JSON.stringify({ command: 'prepare_job', responseFile, args: prepareArgs(), state: null }) +
      '\n'
  )
  const elapsed = await new Promise(r =>
    server.once('connection', c => {
      r(ms(t0))
      c.destroy()
    })
  )
  child.kill('SIGKILL')
  server.close()
  return elapsed
}

function streamGigabytes(node, state) {
  const responseFile = join(work, 'stream.json')
  writeFileSync(responseFile, '')
  const bytes = GIGABYTES * 1024 ** 3
  const args = {
    entryPoint: 'sh',
    entryPointArgs: ['-c', `"head -c ${bytes} /dev/zero"`],
    environmentVariables: {},
    prependPath: [],
    workingDirectory: '/'
  }
  return new Promise((resolvePromise, reject) => {
    const t0 = now()
    const child = spawn('/usr/bin/time', ['-f', 'peak-rss-kb=%M', node, HOOK], {
      env: { ...process.env, RUNNER_NAME: RUNNER },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let received = 0
    let stderr = ''
    child.stdout.on('data', d => (received += d.length))
    child.stderr.on('data', d => (stderr += d))
    child.stdin.end(
      JSON.stringify({ command: 'run_script_step', responseFile, args, state }) + '\n'
    )
    child.on('close', code => {
      const m = /peak-rss-kb=(\d+)/.exec(stderr)
      if (code !== 0 || !m)
        return reject(new Error(`streaming failed (${code}): ${stderr.slice(-500)}`))
      resolvePromise({ seconds: ms(t0) / 1000, received, peakMb: Number(m[1]) / 1024 })
    })
  })
}

const rows = []
/** One row per figure: `measured` and `baseline` map each Node's name to its median. */
const row = (name, measured, baseline, target, how) => {
  const ratio = Object.fromEntries(NODES.map(n => [n.name, measured[n.name] / baseline[n.name]]))
  rows.push({ name, measured, baseline, ratio, target, how })
}
const byNode = fn => Object.fromEntries(NODES.map(n => [n.name, fn(n.name)]))

/** Script steps, cold starts and their floors, both Nodes in every round. */
async function stepRounds(jobId, state, samples) {
  for (let i = 0; i < RUNS; i++) {
    samples.api.push(await rawExecApi(jobId))
    samples.cli.push(rawExecCli(jobId))
    for (const n of NODES) {
      const s = samples[n.name]
      s.node.push(nodeZero(n.path))
      s.step.push(hook(n.path, 'run_script_step', TRUE_STEP, state).elapsed)
      s.cold.push(await coldStart(n.path))
    }
  }
}

/** prepare_job on each Node, interleaved with the raw create+start baselines. */
async function prepareRounds(samples) {
  // As many rounds as the step benchmarks: engine start times vary more than process start-up.
  for (let i = 0; i < RUNS; i++) {
    samples.raw.push(await rawCreateStart('bridge'))
    samples.rawUser.push(await rawCreateStart('user'))
    samples.rawNet.push(await rawCreateStart('created'))
    for (const n of NODES) {
      const env = { RUNNER_NAME: `${RUNNER}-p` }
      const prepared = hook(n.path, 'prepare_job', prepareArgs(), null, env)
      samples[n.name].prepare.push(prepared.elapsed)
      hook(n.path, 'cleanup_job', {}, prepared.response.state, env)
    }
  }
}

function addRows(m) {
  const floor = name => m[name].node
  const plus = raw => byNode(name => floor(name) + raw)
  const mine = key => byNode(name => m[name][key])
  const how = 'vs node -e 0 (same Node) + '
  row(
    'run_script_step `true`',
    mine('step'),
    plus(m.api),
    1.3,
    `${how}raw exec through the engine API (create, start, inspect)`
  )
  row(
    'run_script_step `true`',
    mine('step'),
    plus(m.cli),
    1.3,
    `${how}\`docker exec <c> true\` (CLI)`
  )
  row(
    'prepare_job (job + 1 service)',
    mine('prepare'),
    plus(m.raw),
    1.2,
    `${how}raw API create+start of the same two containers on the default bridge`
  )
  row(
    'prepare_job (job + 1 service)',
    mine('prepare'),
    plus(m.rawUser),
    1.2,
    `${how}raw API create+start of the same two containers on an existing user-defined network, as the hook's are`
  )
  row(
    'prepare_job (job + 1 service)',
    mine('prepare'),
    plus(m.rawNet),
    1.2,
    `informative: ${how}the same + a pull attempt and a network create (what the hook must also do)`
  )
  row(
    'cold start to first engine call',
    mine('cold'),
    byNode(floor),
    2.5,
    'vs node -e 0 (same Node)'
  )
}

function print(m, streams) {
  const versions = NODES.map(n => `${n.name} = ${n.version}`).join(', ')
  console.log(`${versions}; ${RUNS} runs, medians in ms; ${new Date().toISOString()}`)
  const floors = NODES.map(n => `node -e 0 on ${n.name} ${m[n.name].node.toFixed(1)}`).join(' | ')
  console.log(
    `${floors} | raw exec API ${m.api.toFixed(1)} | docker exec CLI ${m.cli.toFixed(1)} | raw create+start x2 ${m.raw.toFixed(1)} | on a user network ${m.rawUser.toFixed(1)} | with pull attempt + network ${m.rawNet.toFixed(1)}`
  )
  const cols = NODES.map(n => n.name)
  console.log('')
  console.log(
    `| benchmark | ${cols.map(c => `${c}: hook (ms) | baseline (ms) | ratio`).join(' | ')} | target | result | baseline is |`
  )
  console.log(`|---|${cols.map(() => '---|---|---').join('|')}|---|---|---|`)
  for (const r of rows) {
    const cells = cols.map(
      c => `${r.measured[c].toFixed(1)} | ${r.baseline[c].toFixed(1)} | ${r.ratio[c].toFixed(2)}`
    )
    const ok = cols.every(c => r.ratio[c] <= r.target)
    console.log(
      `| ${r.name} | ${cells.join(' | ')} | ≤ ${r.target} | ${ok ? 'met' : 'MISSED'} | ${r.how} |`
    )
  }
  const rate = n => {
    const gib = streams[n].received / 1024 ** 3
    return `${n}: ${gib.toFixed(2)} GiB received in ${streams[n].seconds.toFixed(1)} s (${((gib * 1024) / streams[n].seconds).toFixed(0)} MiB/s)`
  }
  const streamOk = cols.every(
    n => streams[n].peakMb <= 150 && streams[n].received >= GIGABYTES * 1024 ** 3
  )
  console.log(
    `| ${GIGABYTES} GiB of step output | ${cols.map(n => `peak RSS ${streams[n].peakMb.toFixed(0)} MB | |`).join(' | ')} | ≤ 150 MB | ${streamOk ? 'met' : 'MISSED'} | ${cols.map(rate).join('; ')} |`
  )
}

try {
  const { response } = hook(
    NODES[0].path,
    'prepare_job',
    { container: hookContainer(BUSYBOX), services: [] },
    null
  )
  const jobId = response.context.container.id
  const state = response.state
  // Warm-up: page cache, engine caches, each Node's code cache.
  for (let i = 0; i < 3; i++) {
    await rawExecApi(jobId)
    for (const n of NODES) {
      nodeZero(n.path)
      hook(n.path, 'run_script_step', TRUE_STEP, state)
    }
  }
  const perNode = () => ({ node: [], step: [], cold: [], prepare: [] })
  const samples = { api: [], cli: [], raw: [], rawUser: [], rawNet: [], ...byNode(perNode) }
  await stepRounds(jobId, state, samples)
  await prepareRounds(samples)
  const med = v =>
    Array.isArray(v)
      ? median(v)
      : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, median(x)]))
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, med(v)]))
  addRows(m)
  const streams = {}
  for (const n of NODES) streams[n.name] = await streamGigabytes(n.path, state)
  hook(NODES[0].path, 'cleanup_job', {}, state)
  print(m, streams)
} finally {
  for (const name of [RUNNER, `${RUNNER}-p`]) {
    writeFileSync(join(work, 'c.json'), '')
    spawnSync(NODES[0].path, [HOOK], {
      input:
        JSON.stringify({
          command: 'cleanup_job',
          responseFile: join(work, 'c.json'),
          args: {},
          state: null
        }) + '\n',
      env: { ...process.env, RUNNER_NAME: name }
    })
  }
  rmSync(work, { recursive: true, force: true })
}
