#!/usr/bin/env node
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { HookError } from '@container-hooks/hooklib'
import { buildImages } from './build-images'
import { runConformanceJob } from './conformance'
import { JOBS_DIR, emulatorVersion, shippedJobs } from './package-files'

const USAGE = `usage: container-hooks-emulator <job.yaml|job name>... --hook PATH [--node PATH] [--work-dir DIR] [--keep-tree]
       container-hooks-emulator --conformance --hook PATH     every conformance job shipped here
       container-hooks-emulator build-images [--base IMAGE] [--node-base IMAGE] [--prefix P]
       container-hooks-emulator --help | --version`

/** The --help text; names the shipped jobs. */
function help(): string {
  return `Runs GitHub Actions jobs against a container hook the way the runner does, and checks
each job's expectations.

${USAGE}

  --hook PATH        the hook: a .js file (bundle) that the runner would run
  --node PATH        node that runs the hook (default: $HOOKS_NODE24, else this node)
  --work-dir DIR     the runner's _work (default: a temporary directory, removed afterwards)
  --keep-tree        keep the temporary runner tree to inspect it
  --conformance      run every shipped conformance job
  A job name without a path (e.g. hello) is a shipped job: ${shippedJobs().join(', ')}.

build-images builds the test images the shipped jobs use (container-hooks-test/*:1) on the
engine of your docker CLI, from --base (busybox, default busybox:1.37) and --node-base (any
glibc image with a shell, default debian:bookworm-slim).

Environment: HOOKS_CACHE_DIR (default $XDG_CACHE_HOME/container-hooks or
~/.cache/container-hooks) holds the runner's externals; everything else in the environment
reaches the hook.
Exit code: 0 when every expectation of every job holds, 1 otherwise, 2 on bad usage.
`
}

/** A job file, or the name of a shipped job (`hello`, `hello.yaml`). */
export function resolveJob(arg: string): string {
  if (existsSync(arg) || arg.includes('/')) return arg
  const name = arg.replace(/\.yaml$/, '')
  return shippedJobs().includes(name) ? join(JOBS_DIR, `${name}.yaml`) : arg
}

type Write = (text: string) => void

async function runJobs(
  files: string[],
  values: Record<string, string | boolean | undefined>,
  write: Write,
  signal?: AbortSignal
): Promise<number> {
  let failed = 0
  for (const file of files) {
    try {
      if (!existsSync(file)) throw new HookError(`Job file not found: ${file}`)
      const { problems } = await runConformanceJob(file, {
        hook: resolve(values.hook as string),
        node: values.node as string | undefined,
        workDir: values['work-dir'] as string | undefined,
        keepTree: values['keep-tree'] as boolean | undefined,
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

/** Runs each job file (or builds the images); 0 when every expectation of every job holds. */
export async function main(argv: string[], write: Write, signal?: AbortSignal): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        hook: { type: 'string' },
        node: { type: 'string' },
        'work-dir': { type: 'string' },
        'keep-tree': { type: 'boolean' },
        conformance: { type: 'boolean' },
        base: { type: 'string' },
        'node-base': { type: 'string' },
        prefix: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' }
      }
    })
  } catch (err) {
    write(`${(err as Error).message}\n${USAGE}\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help || values.version) {
    write(values.help ? help() : `container-hooks-emulator ${emulatorVersion()}\n`)
    return 0
  }
  if (positionals[0] === 'build-images' && positionals.length === 1) {
    try {
      await buildImages({
        base: values.base,
        nodeBase: values['node-base'],
        prefix: values.prefix,
        write
      })
      return 0
    } catch (err) {
      if (!(err instanceof HookError)) throw err
      write(`::error::${err.message}\n`)
      return 1
    }
  }
  const files = [
    ...(values.conformance ? shippedJobs().map(name => join(JOBS_DIR, `${name}.yaml`)) : []),
    ...positionals.map(resolveJob)
  ]
  if (!values.hook || files.length === 0) {
    write(`${USAGE}\n`)
    return 2
  }
  return runJobs(files, values, write, signal)
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
