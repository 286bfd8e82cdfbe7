#!/usr/bin/env node
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { HookError } from '../errors'
import { runConformanceJob } from './conformance'

const USAGE =
  'usage: npm run job -- <job.yaml>... --hook docker|k8s|<path/to/hook.js> [--node PATH] [--work-dir DIR] [--keep-tree]'

/** `docker` and `k8s` name our own bundles; anything else is a path to a hook file. */
export function resolveHook(hook: string, repoRoot: string): string {
  return hook === 'docker' || hook === 'k8s'
    ? resolve(repoRoot, 'packages', hook, 'dist', 'index.js')
    : resolve(hook)
}

/** Runs each job file; 0 when every expectation of every job holds. */
export async function main(
  argv: string[],
  write: (text: string) => void,
  signal?: AbortSignal
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        hook: { type: 'string' },
        node: { type: 'string' },
        'work-dir': { type: 'string' },
        'keep-tree': { type: 'boolean' }
      }
    })
  } catch (err) {
    write(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (!values.hook || positionals.length === 0) {
    write(`${USAGE}\n`)
    return 2
  }
  const hook = resolveHook(values.hook, resolve(__dirname, '..', '..', '..', '..'))
  let failed = 0
  for (const file of positionals) {
    try {
      if (!existsSync(file)) throw new HookError(`Job file not found: ${file}`)
      const { problems } = await runConformanceJob(file, {
        hook,
        node: values.node,
        workDir: values['work-dir'],
        keepTree: values['keep-tree'],
        write,
        signal
      })
      for (const p of problems) write(`::error::${file}: ${p}\n`)
      write(`${problems.length === 0 ? 'PASS' : 'FAIL'} ${file}\n`)
      if (problems.length > 0) failed++
    } catch (err) {
      if (!(err instanceof HookError)) throw err
      write(`::error::${err.message}\nFAIL ${file}\n`)
      failed++
    }
  }
  return failed === 0 ? 0 : 1
}

if (require.main === module) {
  const abort = new AbortController()
  // First Ctrl-C cancels the job like the runner (cleanup still runs); a second one exits.
  process.once('SIGINT', () => {
    abort.abort()
    process.once('SIGINT', () => process.exit(130))
  })
  main(process.argv.slice(2), t => void process.stdout.write(t), abort.signal).then(
    code => process.exit(code),
    (err: unknown) => {
      process.stdout.write(`::error::${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    }
  )
}
