/** PURE: what each group of flags (one file per area) contributes to the create body. */
import type { FlagValues } from './values'

export type Json = Record<string, unknown>

/** The Engine API create body as `docker create` sends it (without Image). */
export interface CreateBody extends Json {
  HostConfig: Json
  NetworkingConfig?: { EndpointsConfig: Record<string, Json> }
}

/** What the mapping may read besides the flags: what the Docker CLI reads on its client. */
export interface OptionsContext {
  /** For `-e NAME` and `--env-file` lines without a value. */
  env: NodeJS.ProcessEnv
  /** `--env-file`, `--label-file`, `--security-opt seccomp=FILE`. */
  readFile: (path: string) => string
  /** config.json's proxy variables (specs/docker-config proxyEnv), unless `-e` sets them. */
  proxies?: Record<string, string>
}

export interface FlagArea {
  /** The long flag names the area maps. */
  flags: readonly string[]
  apply: (v: FlagValues, body: CreateBody, ctx: OptionsContext) => void
}

/** Sets `key` only when there is a value, so the body stays as sparse as the flags. */
export function set(target: Json, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value
}

export function listOrUndefined<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined
}
