import type { HookContainer } from './protocol'

/**
 * A HookContainer as the runner sends it for a bare `image`, lists and maps empty and optional
 * fields null, with `overrides` on top: for building payloads (emulator, tests).
 */
export function hookContainer(
  image: string | null,
  overrides: Partial<HookContainer> = {}
): HookContainer {
  return {
    image,
    dockerfile: null,
    entryPoint: null,
    entryPointArgs: [],
    workingDirectory: null,
    createOptions: null,
    registry: null,
    environmentVariables: {},
    portMappings: [],
    systemMountVolumes: [],
    userMountVolumes: [],
    ...overrides
  }
}
