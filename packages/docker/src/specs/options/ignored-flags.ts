/**
 * PURE: `docker create`/`docker run` flags that make no sense for a job's container: the hook
 * names, attaches to, restarts, pulls and removes the containers itself, as the runner does.
 * They are named in one warning and have no effect.
 */
export const IGNORED_FLAGS: readonly string[] = [
  'attach',
  'cidfile',
  'detach',
  'detach-keys',
  'disable-content-trust',
  'help',
  'interactive',
  'name',
  'pull',
  'restart',
  'rm',
  'sig-proxy',
  'tty'
]

export function ignoredWarning(field: string, flags: string[]): string {
  return `${field}: ignored ${flags.join(', ')}: the hook names, attaches to, pulls, restarts and removes the job's containers itself`
}
