import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { ConfigError } from '@container-hooks/hooklib'
import { unwritableCache } from './cache-dir'

/** HOST paths of the runner-like tree a job runs in (docs/protocol.md, the paths table). */
export interface RunnerLayout {
  /** Temp root that the emulator created and removes (null when `_work` was given). */
  ownedRoot: string | null
  work: string
  repoName: string
  runnerWorkspace: string
  workspace: string
  temp: string
  fileCommands: string
  githubHome: string
  githubWorkflow: string
  actions: string
  tool: string
  externals: string
}

export interface LayoutOptions {
  repository: string
  /** Host directory to use as `_work` (the Kubernetes volume mode needs it on a given path). */
  workDir?: string
  /** Node binary that goes into externals/node24/bin/node. */
  externalsNode: string
  cacheDir: string
}

export function createLayout(options: LayoutOptions): RunnerLayout {
  const repoName = options.repository.split('/')[1]
  const ownedRoot = options.workDir ? null : mkdtempSync(join(tmpdir(), 'hooks-emulator-'))
  const work = options.workDir ? resolve(options.workDir) : join(ownedRoot as string, '_work')
  const temp = join(work, '_temp')
  const layout: RunnerLayout = {
    ownedRoot,
    work,
    repoName,
    runnerWorkspace: join(work, repoName),
    workspace: join(work, repoName, repoName),
    temp,
    fileCommands: join(temp, '_runner_file_commands'),
    githubHome: join(temp, '_github_home'),
    githubWorkflow: join(temp, '_github_workflow'),
    actions: join(work, '_actions'),
    tool: join(work, '_tool'),
    externals: ensureExternals(options.externalsNode, options.cacheDir)
  }
  // A given _work may hold a previous job: like the runner, start from a clean _temp and workspace.
  rmSync(layout.temp, { recursive: true, force: true })
  rmSync(layout.runnerWorkspace, { recursive: true, force: true })
  for (const dir of [
    layout.workspace,
    layout.fileCommands,
    layout.githubHome,
    layout.githubWorkflow,
    layout.actions,
    layout.tool
  ]) {
    mkdirSync(dir, { recursive: true })
  }
  writeFileSync(join(layout.githubWorkflow, 'event.json'), '{}\n')
  return layout
}

export function removeLayout(layout: RunnerLayout): void {
  if (layout.ownedRoot) rmSync(layout.ownedRoot, { recursive: true, force: true })
}

/** Writes the job's `files` (workspace-relative) into the workspace, refusing paths outside it. */
export function writeWorkspaceFiles(layout: RunnerLayout, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const target = resolve(layout.workspace, rel)
    if (!target.startsWith(layout.workspace + '/')) {
      throw new ConfigError(`files: "${rel}" is outside the workspace`)
    }
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, content, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 })
  }
}

/**
 * The runner's `externals` (mounted at /__e): built once per node version in the cache and reused,
 * because copying ~100 MB per job is what made the incumbent slow (field notes).
 */
export function ensureExternals(node: string, cacheDir: string): string {
  let version: string
  try {
    version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  } catch (err) {
    throw new ConfigError(
      `Cannot run the externals node "${node}" (HOOKS_NODE24 or --node): ${(err as Error).message}`
    )
  }
  const dir = join(cacheDir, 'externals', version)
  if (existsSync(join(dir, 'node24', 'bin', 'node'))) return dir
  let tmp: string
  try {
    mkdirSync(join(cacheDir, 'externals'), { recursive: true })
    tmp = mkdtempSync(join(cacheDir, 'externals', '.tmp-'))
  } catch (err) {
    throw unwritableCache(cacheDir, err)
  }
  try {
    // The emulator has no musl build: node24_alpine holds the same binary so the path exists.
    for (const flavour of ['node24', 'node24_alpine']) {
      mkdirSync(join(tmp, flavour, 'bin'), { recursive: true })
      linkOrCopy(node, join(tmp, flavour, 'bin', 'node'))
    }
    renameSync(tmp, dir)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    // Another job built it at the same time: use theirs.
    if (!existsSync(join(dir, 'node24', 'bin', 'node'))) throw err
  }
  return dir
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to)
  } catch {
    copyFileSync(from, to)
  }
}
