// What every benchmark script measures with: the repo root, numeric flags, timers, medians and
// Node's own floor (`node -e 0`).
import { spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
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

/** Milliseconds of one `node -e 0` with the Node running the benchmark. */
export function nodeZero() {
  const t0 = now()
  spawnSync(process.execPath, ['-e', '0'])
  return ms(t0)
}
