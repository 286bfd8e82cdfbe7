#!/usr/bin/env node
// Docker hook benchmarks, all measured side by side in one run under Node 24, printing ratios
// against their targets (docs/benchmarks.md). Usage, from the repo root, after scripts/infra/up
// and npm run build:
//   "$(scripts/node24)" bench/docker/run.mjs [--runs N] [--gigabytes G]
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median, ms, nodeZero, now, numberArg, root } from '../lib/measure.mjs'

const require = createRequire(join(root, 'packages/docker/package.json'))
const Docker = require('dockerode')
const docker = new Docker({ socketPath: '/var/run/docker.sock' })
// Runner-shaped HookContainer payloads, from hooklib's build (npm run build).
const { hookContainer } = require(join(root, 'packages/hooklib/dist/index.js'))

const RUNS = numberArg('--runs', 15)
const GIGABYTES = numberArg('--gigabytes', 1)
const NODE = process.execPath
const HOOK = join(root, 'packages/docker/dist/index.js')
const BUSYBOX = 'container-hooks-test/busybox:1'
const RUNNER = `bench-${randomBytes(3).toString('hex')}`
const work = mkdtempSync(join(tmpdir(), 'bench-docker-'))

function hook(command, args, state, extraEnv = {}) {
  const responseFile = join(work, `${randomBytes(4).toString('hex')}.json`)
  writeFileSync(responseFile, '')
  const t0 = now()
  const r = spawnSync(NODE, [HOOK], {
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
async function coldStart() {
  const socket = join(work, `engine-${randomBytes(3).toString('hex')}.sock`)
  const responseFile = join(work, 'cold.json')
  writeFileSync(responseFile, '')
  const server = createServer()
  await new Promise(r => server.listen(socket, r))
  const t0 = now()
  const child = spawn(NODE, [HOOK], {
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

function streamGigabytes(state) {
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
    const child = spawn('/usr/bin/time', ['-f', 'peak-rss-kb=%M', NODE, HOOK], {
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
const row = (name, measured, baseline, target, how) => {
  const ratio = measured / baseline
  rows.push({ name, measured, baseline, ratio, target, ok: ratio <= target, how })
}

try {
  const { response } = hook(
    'prepare_job',
    { container: hookContainer(BUSYBOX), services: [] },
    null
  )
  const jobId = response.context.container.id
  const state = response.state
  // Warm-up: page cache, engine caches.
  for (let i = 0; i < 3; i++) {
    nodeZero()
    await rawExecApi(jobId)
    hook('run_script_step', TRUE_STEP, state)
  }

  const samples = {
    node: [],
    api: [],
    cli: [],
    step: [],
    cold: [],
    prepare: [],
    raw: [],
    rawUser: [],
    rawNet: []
  }
  for (let i = 0; i < RUNS; i++) {
    samples.node.push(nodeZero())
    samples.api.push(await rawExecApi(jobId))
    samples.cli.push(rawExecCli(jobId))
    samples.step.push(hook('run_script_step', TRUE_STEP, state).elapsed)
    samples.cold.push(await coldStart())
  }
  // As many rounds as the step benchmarks: engine start times vary more than process start-up.
  for (let i = 0; i < RUNS; i++) {
    samples.raw.push(await rawCreateStart('bridge'))
    samples.rawUser.push(await rawCreateStart('user'))
    samples.rawNet.push(await rawCreateStart('created'))
    const prepared = hook('prepare_job', prepareArgs(), null, { RUNNER_NAME: `${RUNNER}-p` })
    samples.prepare.push(prepared.elapsed)
    hook('cleanup_job', {}, prepared.response.state, { RUNNER_NAME: `${RUNNER}-p` })
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  row(
    'run_script_step `true`',
    m.step,
    m.node + m.api,
    1.3,
    'vs node -e 0 + raw exec through the engine API (create, start, inspect)'
  )
  row(
    'run_script_step `true`',
    m.step,
    m.node + m.cli,
    1.3,
    'vs node -e 0 + `docker exec <c> true` (CLI)'
  )
  row(
    'prepare_job (job + 1 service)',
    m.prepare,
    m.raw + m.node,
    1.2,
    'vs raw API create+start of the same two containers on the default bridge + node -e 0'
  )
  row(
    'prepare_job (job + 1 service)',
    m.prepare,
    m.rawUser + m.node,
    1.2,
    "vs raw API create+start of the same two containers on an existing user-defined network, as the hook's are + node -e 0"
  )
  row(
    'prepare_job (job + 1 service)',
    m.prepare,
    m.rawNet + m.node,
    1.2,
    'informative: the same + a pull attempt and a network create (what the hook must also do) + node -e 0'
  )
  row('cold start to first engine call', m.cold, m.node, 2.5, 'vs node -e 0')
  const stream = await streamGigabytes(state)
  hook('cleanup_job', {}, state)

  console.log(
    `Node ${process.versions.node}, ${RUNS} runs, medians in ms; ${new Date().toISOString()}`
  )
  console.log(
    `node -e 0 ${m.node.toFixed(1)} | raw exec API ${m.api.toFixed(1)} | docker exec CLI ${m.cli.toFixed(1)} | raw create+start x2 ${m.raw.toFixed(1)} | on a user network ${m.rawUser.toFixed(1)} | with pull attempt + network ${m.rawNet.toFixed(1)}`
  )
  console.log('')
  console.log('| benchmark | hook (ms) | baseline (ms) | ratio | target | result | baseline is |')
  console.log('|---|---|---|---|---|---|---|')
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.measured.toFixed(1)} | ${r.baseline.toFixed(1)} | ${r.ratio.toFixed(2)} | ≤ ${r.target} | ${r.ok ? 'met' : 'MISSED'} | ${r.how} |`
    )
  }
  const gib = stream.received / 1024 ** 3
  console.log(
    `| ${GIGABYTES} GiB of step output | peak RSS ${stream.peakMb.toFixed(0)} MB | | | ≤ 150 MB | ${stream.peakMb <= 150 && gib >= GIGABYTES ? 'met' : 'MISSED'} | ${gib.toFixed(2)} GiB received in ${stream.seconds.toFixed(1)} s (${((gib * 1024) / stream.seconds).toFixed(0)} MiB/s) |`
  )
} finally {
  for (const name of [RUNNER, `${RUNNER}-p`]) {
    writeFileSync(join(work, 'c.json'), '')
    spawnSync(NODE, [HOOK], {
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
