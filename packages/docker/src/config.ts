/**
 * Every environment variable the Docker hook reads, validated once. docs/docker.md is the
 * user-facing reference for this file.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ConfigError,
  readDebugSettings,
  readReconnectBoundMs,
  type DebugSettings
} from '@container-hooks/hooklib'

export type EngineAddress =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls: TlsFiles | null }

export interface TlsFiles {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  /** DOCKER_TLS_VERIFY set: the engine's certificate must match `ca`. */
  verify: boolean
}

export interface DockerHookConfig {
  /** RUNNER_NAME: labels every container, network and image so cleanup finds leftovers. */
  runnerName: string
  /** GITHUB_WORKSPACE: resolves a relative `dockerfile`. */
  workspace: string | undefined
  /** RUNNER_TEMP: documented for parity with the incumbent; paths arrive in the mounts. */
  runnerTemp: string | undefined
  /** ACTIONS_RUNNER_NETWORK_DRIVER: an existing network to join instead of creating one. */
  network: string | undefined
  /** ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS (default 600): bounds image pulls and health waits. */
  prepareTimeoutMs: number
  /** DOCKER_HOST (default unix:///var/run/docker.sock), DOCKER_TLS_VERIFY, DOCKER_CERT_PATH. */
  engine: EngineAddress
  /** DOCKER_HOST as given, for messages. */
  engineUrl: string
  /** DOCKER_API_VERSION, e.g. "1.41"; unset: the engine's own version. */
  apiVersion: string | undefined
  /** ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_DEBUG, _DEBUG_IMAGE, _DEBUG_HOLD_SECONDS (src/debug). */
  debug: DebugSettings
  /**
   * DOCKER_CONFIG, else $HOME/.docker: the Docker CLI's config directory, whose config.json
   * (auths, credsStore, credHelpers) gives registry credentials when the runner sends none.
   */
  dockerConfigDir: string
  /**
   * ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_RECONNECT_SECONDS, else ACTIONS_RUNNER_HEARTBEAT_DEADLINE_MS,
   * else 120 s: how long a step whose engine connection broke waits for the engine to answer
   * again before it is stopped and failed.
   */
  reconnectMs: number
}

const DEFAULT_HOST = 'unix:///var/run/docker.sock'
const DEFAULT_PREPARE_TIMEOUT_SECONDS = 600

function optional(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function prepareTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = optional(env, 'ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS')
  if (raw === undefined) return DEFAULT_PREPARE_TIMEOUT_SECONDS * 1000
  if (!/^\d+$/.test(raw) || Number(raw) === 0) {
    throw new ConfigError(
      `ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS must be a whole number of seconds greater than 0, got "${raw}"`
    )
  }
  return Number(raw) * 1000
}

function readCert(dir: string, file: string): Buffer | undefined {
  try {
    return readFileSync(join(dir, file))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError(
      `DOCKER_CERT_PATH: cannot read ${join(dir, file)}: ${(err as Error).message}`
    )
  }
}

function tlsFiles(env: NodeJS.ProcessEnv): TlsFiles | null {
  const verify = optional(env, 'DOCKER_TLS_VERIFY') !== undefined
  const certPath = optional(env, 'DOCKER_CERT_PATH')
  if (!verify && certPath === undefined) return null
  const dir = certPath ?? join(env.HOME ?? '/root', '.docker')
  return {
    ca: readCert(dir, 'ca.pem'),
    cert: readCert(dir, 'cert.pem'),
    key: readCert(dir, 'key.pem'),
    verify
  }
}

/** Parses DOCKER_HOST the way the docker CLI does, for the transports this bundle carries. */
export function engineAddress(url: string, env: NodeJS.ProcessEnv): EngineAddress {
  const unix = /^unix:\/\/(\/.+)$/.exec(url)
  if (unix) return { kind: 'unix', socketPath: unix[1] }
  const tcp = /^(?:tcp|https?):\/\/([^:/]+|\[[0-9a-fA-F:.]+\]):?(\d{1,5})?\/?$/.exec(url)
  if (tcp) {
    const tls = tlsFiles(env)
    const port = tcp[2] === undefined ? (tls ? 2376 : 2375) : Number(tcp[2])
    if (port < 1 || port > 65535) throw new ConfigError(`DOCKER_HOST has an invalid port: "${url}"`)
    return { kind: 'tcp', host: tcp[1].replace(/^\[|\]$/g, ''), port, tls }
  }
  if (url.startsWith('ssh://')) {
    throw new ConfigError(
      `DOCKER_HOST "${url}": ssh:// engines are not supported by this hook; forward the socket (ssh -L /tmp/docker.sock:/var/run/docker.sock host) and set DOCKER_HOST=unix:///tmp/docker.sock`
    )
  }
  throw new ConfigError(
    `DOCKER_HOST must look like unix:///var/run/docker.sock or tcp://host:2376, got "${url}"`
  )
}

function apiVersion(env: NodeJS.ProcessEnv): string | undefined {
  const raw = optional(env, 'DOCKER_API_VERSION')
  if (raw === undefined) return undefined
  if (!/^v?\d+\.\d+$/.test(raw))
    throw new ConfigError(`DOCKER_API_VERSION must look like 1.41, got "${raw}"`)
  return raw.replace(/^v/, '')
}

function runnerName(env: NodeJS.ProcessEnv): string {
  const raw = optional(env, 'RUNNER_NAME') ?? 'runner'
  // Docker label values accept anything; names built from it must stay valid object names.
  if (raw.length > 200)
    throw new ConfigError(`RUNNER_NAME is longer than 200 characters: "${raw.slice(0, 40)}…"`)
  return raw
}

export function loadConfig(env: NodeJS.ProcessEnv): DockerHookConfig {
  const engineUrl = optional(env, 'DOCKER_HOST') ?? DEFAULT_HOST
  return {
    runnerName: runnerName(env),
    workspace: optional(env, 'GITHUB_WORKSPACE'),
    runnerTemp: optional(env, 'RUNNER_TEMP'),
    network: optional(env, 'ACTIONS_RUNNER_NETWORK_DRIVER'),
    prepareTimeoutMs: prepareTimeoutMs(env),
    engine: engineAddress(engineUrl, env),
    engineUrl,
    apiVersion: apiVersion(env),
    debug: readDebugSettings(env, 'ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_'),
    dockerConfigDir: optional(env, 'DOCKER_CONFIG') ?? join(env.HOME ?? '/root', '.docker'),
    reconnectMs: readReconnectBoundMs(
      env,
      'ACTIONS_RUNNER_CONTAINER_HOOKS_DOCKER_RECONNECT_SECONDS'
    )
  }
}
