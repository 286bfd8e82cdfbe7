/**
 * The opt-in "debug a failing step" settings both hooks read, under their own prefix
 * (ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_ / _DOCKER_): when to collect diagnostics, with which
 * image, and how long to keep a failed job's containers for a person to look inside.
 */
import { ConfigError } from './errors'

export type DebugMode = 'never' | 'on-failure' | 'always'

export interface DebugSettings {
  /** <prefix>DEBUG: when to run the diagnostics (default never). */
  mode: DebugMode
  /** <prefix>DEBUG_IMAGE: the image the diagnostics run in; needs sh and busybox-like tools. */
  image: string
  /** <prefix>DEBUG_HOLD_SECONDS: keep the job after a failed step; undefined = no hold. */
  holdSeconds?: number
}

export const DEFAULT_DEBUG_IMAGE = 'busybox:1.37'
const MODES: readonly DebugMode[] = ['never', 'on-failure', 'always']
// A day: a hold longer than that is a forgotten job, not a debugging session.
const MAX_HOLD_SECONDS = 86_400

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim()
  return raw ? raw : undefined
}

/** `prefix` ends with an underscore, e.g. "ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_". */
export function readDebugSettings(env: NodeJS.ProcessEnv, prefix: string): DebugSettings {
  const modeName = `${prefix}DEBUG`
  const mode = (value(env, modeName)?.toLowerCase() ?? 'never') as DebugMode
  if (!MODES.includes(mode)) {
    throw new ConfigError(
      `${modeName}=${JSON.stringify(env[modeName])} is invalid; use on-failure, always or never`
    )
  }
  const holdName = `${prefix}DEBUG_HOLD_SECONDS`
  const hold = value(env, holdName)
  let holdSeconds: number | undefined
  if (hold !== undefined) {
    holdSeconds = Number(hold)
    if (!/^\d+$/.test(hold) || holdSeconds <= 0 || holdSeconds > MAX_HOLD_SECONDS) {
      throw new ConfigError(
        `${holdName}=${JSON.stringify(hold)} is invalid; use a whole number of seconds from 1 to ${MAX_HOLD_SECONDS}`
      )
    }
  }
  const imageName = `${prefix}DEBUG_IMAGE`
  const image = value(env, imageName) ?? DEFAULT_DEBUG_IMAGE
  if (/\s/.test(image)) {
    throw new ConfigError(`${imageName}=${JSON.stringify(image)} is not an image reference`)
  }
  return { mode, image, ...(holdSeconds === undefined ? {} : { holdSeconds }) }
}

/** Whether anything of debugging is on: hooks load its code only then. */
export function debugEnabled(settings: DebugSettings): boolean {
  return settings.mode !== 'never' || settings.holdSeconds !== undefined
}

/** Whether a step that ended with `exitCode` gets diagnostics. */
export function wantsDiagnostics(settings: DebugSettings, exitCode: number): boolean {
  return settings.mode === 'always' || (settings.mode === 'on-failure' && exitCode !== 0)
}

/** Whether a step that ended with `exitCode` keeps the job for a person to inspect. */
export function wantsHold(settings: DebugSettings, exitCode: number): boolean {
  return settings.holdSeconds !== undefined && exitCode !== 0
}
