import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@container-hooks/hooklib'
import { loadConfig } from '../../src/config'

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toEqual({
      runnerName: 'runner',
      workspace: undefined,
      runnerTemp: undefined,
      network: undefined,
      prepareTimeoutMs: 600000,
      engine: { kind: 'unix', socketPath: '/var/run/docker.sock' },
      engineUrl: 'unix:///var/run/docker.sock',
      apiVersion: undefined,
      debug: { mode: 'never', image: 'busybox:1.37' },
      dockerConfigDir: '/root/.docker',
      reconnectMs: 120000
    })
  })

  it('bounds a reconnect by its own variable, else the heartbeat deadline', () => {
    const own = 'ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_RECONNECT_SECONDS'
    expect(loadConfig({ [own]: '30' }).reconnectMs).toBe(30000)
    expect(loadConfig({ ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS: '61000' }).reconnectMs).toBe(61000)
    expect(() => loadConfig({ [own]: 'never' })).toThrow(own)
  })

  it('finds the Docker CLI config in DOCKER_CONFIG, else $HOME/.docker', () => {
    expect(loadConfig({ HOME: '/home/u' }).dockerConfigDir).toBe('/home/u/.docker')
    expect(loadConfig({ HOME: '/home/u', DOCKER_CONFIG: '/etc/dc' }).dockerConfigDir).toBe(
      '/etc/dc'
    )
  })

  it('reads every variable', () => {
    const config = loadConfig({
      RUNNER_NAME: 'r1',
      GITHUB_WORKSPACE: '/w',
      RUNNER_TEMP: '/t',
      ACTIONS_RUNNER_NETWORK_DRIVER: 'shared',
      ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '30',
      DOCKER_HOST: 'tcp://10.0.0.1:2375',
      DOCKER_API_VERSION: '1.41',
      ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG: 'on-failure',
      ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG_IMAGE: 'busybox:1.36',
      ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG_HOLD_SECONDS: '60'
    })
    expect(config).toMatchObject({
      runnerName: 'r1',
      workspace: '/w',
      runnerTemp: '/t',
      network: 'shared',
      prepareTimeoutMs: 30000,
      engine: { kind: 'tcp', host: '10.0.0.1', port: 2375, tls: null },
      apiVersion: '1.41',
      debug: { mode: 'on-failure', image: 'busybox:1.36', holdSeconds: 60 }
    })
  })

  it('reads TLS files from DOCKER_CERT_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'certs-'))
    writeFileSync(join(dir, 'ca.pem'), 'CA')
    const config = loadConfig({
      DOCKER_HOST: 'tcp://docker.example',
      DOCKER_TLS_VERIFY: '1',
      DOCKER_CERT_PATH: dir
    })
    expect(config.engine).toEqual({
      kind: 'tcp',
      host: 'docker.example',
      port: 2376,
      tls: { ca: Buffer.from('CA'), cert: undefined, key: undefined, verify: true }
    })
  })

  it.each([
    [
      { ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '0' },
      'ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS'
    ],
    [
      { ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '1.5' },
      'ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS'
    ],
    [
      { DOCKER_HOST: 'ssh://user@host' },
      'DOCKER_HOST "ssh://user@host": ssh:// engines are not supported'
    ],
    [{ DOCKER_HOST: '/var/run/docker.sock' }, 'DOCKER_HOST must look like'],
    [{ DOCKER_HOST: 'tcp://host:99999' }, 'DOCKER_HOST has an invalid port'],
    [{ DOCKER_API_VERSION: 'latest' }, 'DOCKER_API_VERSION must look like 1.41'],
    [
      { ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG: 'true' },
      'ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG="true" is invalid'
    ]
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })
})
