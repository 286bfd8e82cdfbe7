// What a bundle says it is: `container-hooks-<name> <version> (<commit>)`. The version is the
// repository's one version (the root package.json); the commit comes from git at build time,
// else from COMMIT, which `git archive` (a release's source tarball) fills in through
// .gitattributes export-subst; outside both, "unknown commit".
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

function git(args) {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore']
  }).trim()
}

/** The short commit hash, `-dirty` when tracked files differ from it. */
export function buildCommit() {
  try {
    if (git(['rev-parse', '--show-toplevel']) === root) {
      const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== ''
      return git(['rev-parse', '--short=12', 'HEAD']) + (dirty ? '-dirty' : '')
    }
  } catch {
    // no git, or not a checkout: the archive's COMMIT below
  }
  const archived = readFileSync(join(root, 'COMMIT'), 'utf8').trim()
  return /^[0-9a-f]{7,40}$/.test(archived) ? archived : 'unknown commit'
}

export function repoVersion() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
}

/** e.g. `container-hooks-docker 0.1.0 (0123456789ab)` for packages/docker. */
export function buildInfo(name) {
  return `container-hooks-${name} ${repoVersion()} (${buildCommit()})`
}
