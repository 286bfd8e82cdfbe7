/**
 * A private image with no `credentials:` in the workflow pulls with what the runner user's Docker
 * CLI would use: a `docker login`-style config.json, or a credential helper (credHelpers for the
 * registry, credsStore for all), run as `docker-credential-<name> get` with the server on stdin.
 * Input credentials win. The registry is the project's local password registry.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger } from '@container-hooks/hooklib'
import { hostCredentials } from '../../src/driver/host-credentials'
import { docker, leftovers, runHook, uniqueRunner, type HookRun } from '../support/hook'
import { BUSYBOX, container } from '../support/inputs'

/**
 * Our own tag in the password registry: registry.test.ts removes HOOKS_REGISTRY_IMAGE locally
 * while it runs, which must not meet these pulls.
 */
const TAG = 'private/host-credentials:1'

function registry(): { image: string; host: string; user: string; password: string } {
  const { HOOKS_REGISTRY, HOOKS_REGISTRY_USER, HOOKS_REGISTRY_PASSWORD } = process.env
  if (!HOOKS_REGISTRY || !HOOKS_REGISTRY_USER || !HOOKS_REGISTRY_PASSWORD)
    throw new Error(
      'HOOKS_REGISTRY* are not set: test/global-setup.ts did not run scripts/registry/env'
    )
  return {
    image: `${HOOKS_REGISTRY}/${TAG}`,
    host: HOOKS_REGISTRY,
    user: HOOKS_REGISTRY_USER,
    password: HOOKS_REGISTRY_PASSWORD
  }
}

/** A DOCKER_CONFIG directory with this config.json. */
function dockerConfig(config: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'docker-config-'))
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config))
  return dir
}

/**
 * A bin directory with docker-credential-hookstest: it logs its arguments and stdin (the server,
 * no secret) and answers with the registry login from its environment, like a keychain would.
 */
function helperBin(): { bin: string; calls: () => string } {
  const bin = mkdtempSync(join(tmpdir(), 'cred-helper-'))
  const log = join(bin, 'calls.log')
  const helper = join(bin, 'docker-credential-hookstest')
  writeFileSync(
    helper,
    `#!/bin/sh
server=$(cat)
echo "$* $server" >>${log}
[ "$1" = get ] && [ "$server" = "$HOOKS_REGISTRY" ] || { echo "credentials not found in native keychain"; exit 1; }
printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$server" "$HOOKS_REGISTRY_USER" "$HOOKS_REGISTRY_PASSWORD"
`
  )
  chmodSync(helper, 0o755)
  return { bin, calls: () => readFileSync(log, 'utf8') }
}

function expectPulledPrivately(run: HookRun, image: string, password: string): void {
  expect(run.errors).toEqual([])
  expect(run.code).toBe(0)
  // The pull's summary line (pull-progress.ts), not the engine's raw JSON.
  expect(run.stdout).toMatch(
    /Pulled \S+ in \d+\.\ds: (\d+ layers?(, \d+ downloaded \([\d.]+ [kMG]?B\))?(, \d+ already present)?|up to date|all layers present)\n/
  )
  expect(run.stdout).not.toContain('"status"')
  expect(run.stdout).toContain(`Pulled ${image}`)
  // A failed pull would fall back to a local copy with this warning: the pull itself must work.
  expect(run.stdout).not.toContain('Could not pull')
  // Only in the runner's `::add-mask::` command, which masks it in every later log line.
  expect(run.stdout).toContain(`::add-mask::${password}\n`)
  expect((run.stdout + run.stderr).split(`::add-mask::${password}\n`).join('')).not.toContain(
    password
  )
}

async function prepare(
  runner: string,
  args: object,
  env: Record<string, string>
): Promise<HookRun> {
  const run = await runHook('prepare_job', args, null, runner, { env })
  await runHook('cleanup_job', {}, run.response?.state ?? null, runner)
  expect(await leftovers(runner)).toEqual([])
  return run
}

beforeAll(async () => {
  const r = registry()
  const [repo, tag] = [r.image.slice(0, r.image.lastIndexOf(':')), '1']
  // A layer of its own (random bytes), so that the first pull really downloads something.
  const maker = await docker.createContainer({
    Image: BUSYBOX,
    Entrypoint: ['sh', '-c', 'head -c 300000 /dev/urandom > /blob'],
    Labels: { 'container-hooks-test': 'host-credentials' }
  })
  await maker.start()
  await maker.wait()
  await maker.commit({ repo, tag })
  await maker.remove()
  const auth = { username: r.user, password: r.password, serveraddress: r.host }
  const stream = await docker.getImage(r.image).push({ authconfig: auth })
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) =>
      err || events.some(e => e.error)
        ? reject(err ?? new Error(JSON.stringify(events)))
        : resolve(null)
    )
  )
  // Not cached, so that the first pull downloads it.
  await docker.getImage(r.image).remove()
})

describe('registry credentials from the runner user’s Docker config', () => {
  it('uses config.json auths (docker login) for the job container and a service', async () => {
    const r = registry()
    const auth = Buffer.from(`${r.user}:${r.password}`).toString('base64')
    const dir = dockerConfig({ auths: { [r.host]: { auth } } })
    const run = await prepare(
      uniqueRunner('host-auths'),
      {
        container: container(r.image),
        services: [container(r.image, { entryPoint: 'tail', entryPointArgs: ['-f', '/dev/null'] })]
      },
      { DOCKER_CONFIG: dir, HOME: '/nonexistent-home' }
    )
    expectPulledPrivately(run, r.image, r.password)
    expect(run.stdout).toContain(`Using the credentials for ${r.host} from ${dir}/config.json`)
    expect(run.stdout).toMatch(/: 2 layers, 1 downloaded \([\d.]+ kB\), 1 already present\n/)
  })

  it('falls back to $HOME/.docker/config.json without DOCKER_CONFIG', async () => {
    const r = registry()
    const home = mkdtempSync(join(tmpdir(), 'home-'))
    const auth = Buffer.from(`${r.user}:${r.password}`).toString('base64')
    const dir = join(home, '.docker')
    mkdirSync(dir)
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { [`https://${r.host}`]: { auth } } })
    )
    const run = await prepare(
      uniqueRunner('host-home'),
      { container: container(r.image), services: [] },
      { HOME: home, DOCKER_CONFIG: '' }
    )
    expectPulledPrivately(run, r.image, r.password)
  })

  it('runs the credHelpers helper for the registry (`get`, server on stdin)', async () => {
    const r = registry()
    const { bin, calls } = helperBin()
    const dir = dockerConfig({ credHelpers: { [r.host]: 'hookstest' } })
    const run = await prepare(
      uniqueRunner('host-helper'),
      {
        container: container(r.image),
        services: [container(r.image, { entryPoint: 'tail', entryPointArgs: ['-f', '/dev/null'] })]
      },
      { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` }
    )
    expectPulledPrivately(run, r.image, r.password)
    expect(run.stdout).toContain(`from docker-credential-hookstest`)
    expect(calls()).toContain(`get ${r.host}`)
  })

  it('runs the credsStore helper for a container step image', async () => {
    const r = registry()
    const { bin, calls } = helperBin()
    const dir = dockerConfig({ credsStore: 'hookstest' })
    const runner = uniqueRunner('host-store-step')
    const run = await runHook(
      'run_container_step',
      { ...container(r.image), entryPoint: 'true', entryPointArgs: [], dockerfile: null },
      null,
      runner,
      { env: { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` } }
    )
    expectPulledPrivately(run, r.image, r.password)
    expect(calls()).toContain(`get ${r.host}`)
    expect(await leftovers(runner)).toEqual([])
  })

  it('warns, without the secret, when a helper fails or is missing, and pulls without', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cred-helper-'))
    const helper = join(bin, 'docker-credential-broken')
    writeFileSync(helper, '#!/bin/sh\necho "keychain locked"; exit 3\n')
    chmodSync(helper, 0o755)
    const warnings: string[] = []
    const log = {
      ...createLogger({ write: () => undefined }),
      warning: (m: string) => warnings.push(m)
    }
    const signal = new AbortController().signal
    const broken = dockerConfig({ credsStore: 'broken' })
    const env = { PATH: `${bin}:${process.env.PATH}` }
    expect(await hostCredentials(broken, 'ghcr.io/a/b', log, signal, env)).toBeUndefined()
    const missing = dockerConfig({ credHelpers: { 'ghcr.io': 'nowhere' } })
    expect(await hostCredentials(missing, 'ghcr.io/a/b', log, signal, env)).toBeUndefined()
    expect(warnings).toEqual([
      'docker-credential-broken get failed for ghcr.io (keychain locked); pulling without credentials',
      'docker-credential-nowhere get failed for ghcr.io (docker-credential-nowhere is not on PATH); pulling without credentials'
    ])
  })

  it('lets credentials in the input win over the config', async () => {
    const r = registry()
    const wrong = Buffer.from(`${r.user}:not-the-password`).toString('base64')
    const dir = dockerConfig({ auths: { [r.host]: { auth: wrong } } })
    const registryInput = { username: r.user, password: r.password, serverUrl: r.host }
    const run = await prepare(
      uniqueRunner('host-input-wins'),
      { container: container(r.image, { registry: registryInput }), services: [] },
      { DOCKER_CONFIG: dir }
    )
    expectPulledPrivately(run, r.image, r.password)
    expect(run.stdout).not.toContain('Using the credentials')
  })
})
