/** Runner-shaped inputs (docs/protocol.md), with the nulls the runner really sends. */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hookContainer, type HookContainer, type ScriptStepArgs } from '@container-hooks/hooklib'

export const BUSYBOX = 'container-hooks-test/busybox:1'
export const SERVICE = 'container-hooks-test/service:1'
export const UNHEALTHY = 'container-hooks-test/unhealthy:1'
export const ALPINE = 'container-hooks-test/alpine:1'

/** A HookContainer as the runner sends it (nulls included), with `overrides` on top. */
export const container = hookContainer

/** A `_work` folder with `_temp` (scripts) and `_runner_file_commands`, mounted at /__w. */
export function workDir(): { work: string; temp: string; fileCommands: string } {
  const work = mkdtempSync(join(tmpdir(), 'docker-hook-work-'))
  const temp = join(work, '_temp')
  const fileCommands = join(temp, '_runner_file_commands')
  mkdirSync(fileCommands, { recursive: true })
  return { work, temp, fileCommands }
}

export function jobContainer(work: string, overrides: Partial<HookContainer> = {}): HookContainer {
  return container(BUSYBOX, {
    workingDirectory: '/__w',
    environmentVariables: { HOME: '/github/home' },
    systemMountVolumes: [
      { userProvidedValue: null, sourceVolumePath: work, targetVolumePath: '/__w', readOnly: false }
    ],
    ...overrides
  })
}

export function script(
  entryPointArgs: string[],
  overrides: Partial<ScriptStepArgs> = {}
): ScriptStepArgs {
  return {
    entryPoint: 'sh',
    entryPointArgs,
    environmentVariables: {},
    prependPath: [],
    workingDirectory: '/__w',
    ...overrides
  }
}

/** The runner's own splitting of an args string: on single spaces, quotes left attached. */
export function runnerSplit(args: string): string[] {
  return args.split(' ')
}

/** A script step that fetches the test service's page by its alias (see expectServiceReached). */
export function fetchServiceStep(): ScriptStepArgs {
  return script(runnerSplit('-c "wget -q -O - http://service:8080/"'))
}
