/**
 * Brings up the real infrastructure with the project's scripts (idempotent: seconds when already
 * up), exports its environment to the test workers, and builds the bundle when it is missing or
 * older than its sources. Any failure fails the run loudly.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(__dirname, '../../..')
const pkg = resolve(__dirname, '..')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function run(file: string, args: string[] = []): string {
  try {
    return execFileSync(file, args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']
    })
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string }
    throw new Error(
      `${file} ${args.join(' ')} failed; the Docker tests need a real engine:\n${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`
    )
  }
}

export default function globalSetup(): void {
  // Other suites may be starting the same infrastructure right now: one retry absorbs that race.
  try {
    run(join(root, 'scripts/infra/up'))
  } catch {
    run(join(root, 'scripts/infra/up'))
  }
  // Read through bash builtins so the registry password never appears on a command line.
  const vars = [
    'HOOKS_REGISTRY',
    'HOOKS_REGISTRY_USER',
    'HOOKS_REGISTRY_PASSWORD',
    'HOOKS_REGISTRY_IMAGE',
    'HOOKS_NODE20',
    'HOOKS_NODE24',
    'DOCKER_HOST'
  ]
  const script = `eval "$(scripts/infra/env)" && for v in ${vars.join(' ')}; do printf '%s=%s\\0' "$v" "\${!v}"; done`
  for (const pair of run('bash', ['-c', script]).split('\0').filter(Boolean)) {
    const i = pair.indexOf('=')
    process.env[pair.slice(0, i)] = pair.slice(i + 1)
  }
  const bundle = join(pkg, 'dist/index.js')
  const sources = Math.max(
    newestMtime(join(pkg, 'src')),
    newestMtime(join(root, 'packages/hooklib/src'))
  )
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources)
    run('node', [join(root, 'scripts/bundle.mjs'), pkg])
}
