import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ConfigError, HookError } from '@container-hooks/hooklib'
import { IMAGES_DIR } from './package-files'

export interface BuildImagesOptions {
  /** Image the busybox one is built FROM; default: the Dockerfile's (busybox:1.37). */
  base?: string
  /** Image the node one is built FROM; default: the Dockerfile's (debian:bookworm-slim). */
  nodeBase?: string
  /** Name prefix of the built images; the conformance jobs use `container-hooks-test/`. */
  prefix?: string
  /** The docker CLI; default `docker` on PATH. */
  docker?: string
  write: (text: string) => void
}

/** `docker build` arguments for each image the conformance jobs use, in build order. */
export function imageBuilds(options: Omit<BuildImagesOptions, 'write'>): string[][] {
  const prefix = options.prefix ?? 'container-hooks-test/'
  const busybox = `${prefix}busybox:1`
  const from = (name: string, base: string | undefined): string[] =>
    base === undefined ? [] : ['--build-arg', `${name}=${base}`]
  const build = (name: string, args: string[]): string[] => [
    'build',
    '-t',
    `${prefix}${name}:1`,
    ...args,
    join(IMAGES_DIR, name)
  ]
  return [
    build('busybox', from('BASE', options.base)),
    build('node', from('BASE', options.nodeBase)),
    build('service', from('BUSYBOX', busybox)),
    build('unhealthy', from('BUSYBOX', busybox))
  ]
}

function run(docker: string, args: string[], write: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(docker, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (d: Buffer) => write(d.toString()))
    child.stderr.on('data', (d: Buffer) => write(d.toString()))
    child.on('error', err =>
      reject(new ConfigError(`Cannot run the docker CLI (${docker}): ${err.message}`))
    )
    child.on('exit', code =>
      code === 0
        ? resolve()
        : reject(new HookError(`docker ${args.slice(0, 3).join(' ')} failed (exit code ${code})`))
    )
  })
}

/** Builds the conformance jobs' test images on the docker CLI's engine. */
export async function buildImages(options: BuildImagesOptions): Promise<void> {
  for (const args of imageBuilds(options)) {
    options.write(`build-images: ${args[2]}\n`)
    await run(options.docker ?? 'docker', args, options.write)
  }
}
