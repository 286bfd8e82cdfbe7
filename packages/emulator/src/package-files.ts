import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** The package's root: the same from src/ (tests) and dist/ (installed). */
export const PACKAGE_ROOT = join(__dirname, '..')

/** The conformance jobs that ship in the package (jobs/*.yaml). */
export const JOBS_DIR = join(PACKAGE_ROOT, 'jobs')

/** The Dockerfiles of the images those jobs use (images/<name>/Dockerfile). */
export const IMAGES_DIR = join(PACKAGE_ROOT, 'images')

export function emulatorVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** Names of the shipped jobs, e.g. `hello` for jobs/hello.yaml. */
export function shippedJobs(): string[] {
  return readdirSync(JOBS_DIR)
    .filter(f => f.endsWith('.yaml'))
    .map(f => f.slice(0, -'.yaml'.length))
    .sort()
}
