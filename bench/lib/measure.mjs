// What every benchmark script measures with: the repo root, numeric flags, timers, medians, the
// runner's two Nodes and their own floor (`node -e 0`).
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/** The number after `--name` on the command line, or `fallback`. */
export function numberArg(name, fallback) {
  const i = process.argv.indexOf(name)
  return i < 0 ? fallback : Number(process.argv[i + 1])
}

export const now = () => process.hrtime.bigint()
export const ms = t0 => Number(now() - t0) / 1e6
export const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Milliseconds of one `node -e 0` with `node` (default: the Node running the benchmark). */
export function nodeZero(node = process.execPath) {
  const t0 = now()
  spawnSync(node, ['-e', '0'])
  return ms(t0)
}

/**
 * The runner's two Nodes for hooks, which every hook figure is measured on side by side:
 * [{ name: 'Node 20', path }, { name: 'Node 24', path }] from HOOKS_NODE20/24 (scripts/infra/env),
 * else scripts/node (pinned to the runner's builds).
 */
export function runnerNodes() {
  return [20, 24].map(major => {
    const path =
      process.env[`HOOKS_NODE${major}`] ??
      execFileSync(join(root, 'scripts/node'), [String(major)], { encoding: 'utf8' }).trim()
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' })
    return { name: `Node ${major}`, path, version: version.trim() }
  })
}
