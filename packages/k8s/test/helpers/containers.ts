import type { HookContainer } from '@container-hooks/hooklib'

/** A HookContainer as the runner sends it, with `overrides` applied. */
export function hookContainer(overrides: Partial<HookContainer> = {}): HookContainer {
  return {
    image: 'container-hooks-test/busybox:1',
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
