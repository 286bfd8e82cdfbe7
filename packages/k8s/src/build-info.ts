// scripts/bundle.mjs defines it: `container-hooks-k8s <version> (<commit>)`.
declare const CONTAINER_HOOKS_BUILD: string | undefined

/** What this hook is, for the first debug line of every command; from source (tests): unbundled. */
export const BUILD_INFO =
  typeof CONTAINER_HOOKS_BUILD === 'string'
    ? CONTAINER_HOOKS_BUILD
    : 'container-hooks-k8s (unbundled)'
