import { docker, leftovers, runHook, uniqueRunner } from '../support/hook'
import { container } from '../support/inputs'

function registry(): { image: string; host: string; user: string; password: string } {
  const { HOOKS_REGISTRY_IMAGE, HOOKS_REGISTRY, HOOKS_REGISTRY_USER, HOOKS_REGISTRY_PASSWORD } =
    process.env
  if (
    !HOOKS_REGISTRY_IMAGE ||
    !HOOKS_REGISTRY ||
    !HOOKS_REGISTRY_USER ||
    !HOOKS_REGISTRY_PASSWORD
  ) {
    throw new Error(
      'HOOKS_REGISTRY* are not set: test/global-setup.ts did not run scripts/registry/env'
    )
  }
  return {
    image: HOOKS_REGISTRY_IMAGE,
    host: HOOKS_REGISTRY,
    user: HOOKS_REGISTRY_USER,
    password: HOOKS_REGISTRY_PASSWORD
  }
}

describe('a private image from the password-protected registry', () => {
  it('is pulled with the job credentials (for the job container and a service) and never written to disk', async () => {
    const r = registry()
    const runner = uniqueRunner('private')
    const credentials = { username: r.user, password: r.password, serverUrl: r.host }
    const prepared = await runHook(
      'prepare_job',
      {
        container: container(r.image, { registry: credentials }),
        services: [
          container(r.image, {
            registry: credentials,
            entryPoint: 'tail',
            entryPointArgs: ['-f', '/dev/null']
          })
        ]
      },
      null,
      runner,
      { env: { HOME: '/nonexistent-home', DOCKER_CONFIG: '/nonexistent-docker-config' } }
    )
    try {
      expect(prepared.errors).toEqual([])
      expect(prepared.code).toBe(0)
      expect(prepared.stdout).toContain(`Pulled ${r.image}`)
      // Only in the runner's `::add-mask::` command, which masks it in every later log line.
      expect(prepared.stdout.split(`::add-mask::${r.password}\n`).join('')).not.toContain(
        r.password
      )
    } finally {
      await runHook('cleanup_job', {}, prepared.response?.state ?? null, runner)
    }
    expect(await leftovers(runner)).toEqual([])
  })

  it('uses a cached image pinned by digest without pulling it (so without credentials)', async () => {
    const r = registry()
    const runner = uniqueRunner('private-digest')
    const auth = { username: r.user, password: r.password, serveraddress: r.host }
    const stream = await docker.pull(r.image, { authconfig: auth })
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) =>
        err ? reject(err) : resolve(null)
      )
    )
    const digest = (await docker.getImage(r.image).inspect()).RepoDigests[0]
    expect(digest).toMatch(/@sha256:[0-9a-f]{64}$/)
    const prepared = await runHook(
      'prepare_job',
      { container: container(digest), services: [] },
      null,
      runner
    )
    try {
      expect(prepared.errors).toEqual([])
      expect(prepared.stdout).toContain(`Using ${digest}: present locally, pinned by digest`)
      expect(prepared.stdout).not.toContain('Could not pull')
    } finally {
      await runHook('cleanup_job', {}, prepared.response?.state ?? null, runner)
    }
    expect(await leftovers(runner)).toEqual([])
  })

  it('fails with one clear line on a wrong password (even when cached) or without credentials, leaving nothing', async () => {
    const r = registry()
    const runner = uniqueRunner('private-denied')
    const expected =
      /Could not pull args\.container\.image "127\.0\.0\.1:5000\/private\/busybox:1" after 3 attempts: .*(no basic auth credentials|unauthorized)/
    const stream = await docker.pull(r.image, {
      authconfig: { username: r.user, password: r.password, serveraddress: r.host }
    })
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) =>
        err ? reject(err) : resolve(null)
      )
    )
    try {
      const wrong = { username: r.user, password: 'wrong-password', serverUrl: r.host }
      const denied = await runHook(
        'prepare_job',
        { container: container(r.image, { registry: wrong }), services: [] },
        null,
        runner
      )
      expect(denied.code).toBe(1)
      expect(denied.errors).toHaveLength(1)
      expect(denied.errors[0]).toMatch(expected)
      // Not cached any more, or the hook would (rightly) fall back to the local copy.
      await docker.getImage(r.image).remove({ force: true })
      const anonymous = await runHook(
        'prepare_job',
        { container: container(r.image), services: [] },
        null,
        runner
      )
      expect(anonymous.code).toBe(1)
      expect(anonymous.errors).toHaveLength(1)
      expect(anonymous.errors[0]).toMatch(expected)
    } finally {
      await runHook('cleanup_job', {}, null, runner)
    }
    expect(await leftovers(runner)).toEqual([])
  })
})
