import { hookContainer, type HookContainer } from '@container-hooks/hooklib'

export const BUSYBOX = 'container-hooks-test/busybox:1'

/** A HookContainer as the runner sends it (a local busybox image unless overridden). */
export function busybox(overrides: Partial<HookContainer> = {}): HookContainer {
  return hookContainer(BUSYBOX, overrides)
}
