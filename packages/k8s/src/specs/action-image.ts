/**
 * The image a Dockerfile action is built into. The repository comes from the action: `owner-repo`
 * (plus its sub-folder) for actions the runner downloaded into `_work/_actions/owner/repo/ref`,
 * `local-<repo>-<folder>` for actions in the workspace. The tag is a hash of the build context,
 * so an unchanged action maps to an image that already exists and is not built again.
 */
import { createHash } from 'node:crypto'
import { dirname, isAbsolute, relative, sep } from 'node:path'
import type { BuildTarget } from './build-target'

export interface ActionImage {
  repository: string
  /** The repository's path inside the push registry, e.g. `actions/owner-repo`. */
  pushPath: string
  tag: string
  /** What the builder pushes. */
  push: string
  /** What the step pod runs. */
  pull: string
}

const MAX_REPOSITORY = 100
export const TAG_LENGTH = 24

function component(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

function joined(parts: string[]): string {
  const name = parts.map(component).filter(Boolean).join('-') || 'action'
  if (name.length <= MAX_REPOSITORY) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${name.slice(0, MAX_REPOSITORY - 9).replace(/-+$/, '')}-${hash}`
}

function inside(root: string | undefined, path: string): string[] | undefined {
  if (!root) return undefined
  const rel = relative(root, path)
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined
  return rel === '' ? [] : rel.split(sep)
}

/** One repository path component for the action whose Dockerfile is `dockerfile` (a host path). */
export function actionRepository(
  dockerfile: string,
  env: { GITHUB_WORKSPACE?: string; GITHUB_REPOSITORY?: string }
): string {
  const folder = dirname(dockerfile)
  const segments = folder.split(sep)
  const actions = segments.lastIndexOf('_actions')
  // _actions/<owner>/<repo>/<ref>/<sub…>: the ref is left out, the tag tells versions apart.
  if (actions >= 0 && segments.length >= actions + 4) {
    const [owner, repo, , ...sub] = segments.slice(actions + 1)
    return joined([owner, repo, ...sub])
  }
  const local = inside(env.GITHUB_WORKSPACE, folder)
  if (local !== undefined) {
    const repo = env.GITHUB_REPOSITORY?.split('/').pop() ?? segments[segments.length - 1]
    return joined(['local', repo, ...local])
  }
  return joined(['dockerfile', segments[segments.length - 1]])
}

export function actionImage(
  target: BuildTarget,
  repository: string,
  contextHash: string
): ActionImage {
  const tag = contextHash.slice(0, TAG_LENGTH)
  const path = target.push.slice(target.pushRegistry.length + 1)
  return {
    repository,
    pushPath: path ? `${path}/${repository}` : repository,
    tag,
    push: `${target.push}/${repository}:${tag}`,
    pull: `${target.pull}/${repository}:${tag}`
  }
}
