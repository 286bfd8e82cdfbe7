/**
 * Copy mode: the runner's `_work` moves between the host and the job pod as ONE tar stream per
 * direction over exec (host tar ⇄ tar in the pod), and after the first copy only the entries
 * whose manifest changed (src/sync/manifest.ts). Both sides' manifests after the last sync are
 * kept on the host, outside `_work`; deletions are propagated both ways.
 */
import { HookError } from '@container-hooks/hooklib'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable, type Readable } from 'node:stream'
import type { KubeClient } from '../kube/client'
import type { JobState } from '../state'
import { exec } from '../kube/exec'
import { hostEntries, hostManifest } from './host-manifest'
import {
  changedPaths,
  deletedPaths,
  fromJson,
  merged,
  toJson,
  without,
  type Manifest,
  type SyncState
} from './manifest'
import { POD_WORK } from '../specs/job-pod'
import { parsePodListing, POD_MANIFEST_SCRIPT, POD_PUSH_SCRIPT } from './pod-listing'

// Busybox tar has no -T: the list (one ./path per line, from stdin) goes through xargs.
const PULL_SCRIPT = 'cd "$1" && tr "\\n" "\\0" | xargs -0 tar -c -f -'

export interface SyncTarget {
  client: KubeClient
  pod: string
  container: string
  hostDir: string
  signal?: AbortSignal
}

export function copyTarget(client: KubeClient, state: JobState, signal?: AbortSignal): SyncTarget {
  if (!state.jobContainer) throw new HookError('Copy mode needs a job container')
  if (!state.workDir) {
    throw new HookError(
      "Copy mode needs the runner's _work directory on the host, but prepare_job got no /__w mount and RUNNER_WORKSPACE is not set"
    )
  }
  return { client, pod: state.pod, container: state.jobContainer, hostDir: state.workDir, signal }
}

function manifestFile(pod: string): string {
  return join(tmpdir(), 'container-hooks', `${pod}.manifest.json`)
}

function loadState(pod: string): SyncState {
  try {
    return fromJson(readFileSync(manifestFile(pod), 'utf8'))
  } catch {
    return { host: new Map(), pod: new Map() }
  }
}

function saveState(pod: string, state: SyncState): void {
  mkdirSync(join(tmpdir(), 'container-hooks'), { recursive: true })
  writeFileSync(manifestFile(pod), toJson(state))
}

export function forgetManifest(pod: string): void {
  rmSync(manifestFile(pod), { force: true })
}

class Collect extends Writable {
  readonly chunks: Buffer[] = []
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk)
    done()
  }
  text(): string {
    return Buffer.concat(this.chunks).toString()
  }
}

/**
 * Runs host `tar` with `args`, wired to `io`, and rejects on a non-zero exit with its stderr.
 * Once `io` is done, either way, tar's stdin ends and its stdout closes: a tar left writing to,
 * or reading from, a pipe nobody serves any more would hang the hook. A tar that still had data
 * to write then fails.
 */
export function hostTar(
  args: string[],
  io: (child: ReturnType<typeof spawn>) => Promise<unknown>
): Promise<void> {
  const child = spawn('tar', args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const stderr = new Collect()
  child.stderr.pipe(stderr)
  // A tar that exits early breaks its stdin pipe; its exit code and stderr say why.
  child.stdin.on('error', () => undefined)
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', err => reject(new HookError(`Cannot run tar on the runner: ${err.message}`)))
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new HookError(
              `tar on the runner failed (${code === null ? `killed by ${signal}` : `exit ${code}`}): ${stderr.text().trim()}`
            )
          )
    )
  })
  const served = io(child).finally(() => {
    child.stdin.end()
    child.stdout.destroy()
  })
  return Promise.all([served, exited]).then(() => undefined)
}

async function podCommand(
  target: SyncTarget,
  command: string[],
  what: string,
  io: { stdin?: Readable | Buffer; stdout: Writable }
): Promise<string> {
  const stderr = new Collect()
  const code = await exec(target.client, {
    pod: target.pod,
    container: target.container,
    command,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr,
    signal: target.signal,
    what
  })
  if (code !== 0)
    throw new HookError(
      `${what} failed in pod ${target.pod} (exit ${code}): ${stderr.text().trim()}`
    )
  return stderr.text()
}

/**
 * Sends `paths` (all of `_work` when undefined) into the pod as one tar stream, after removing
 * `deleted` there, in one exec; resolves the pod's listing of what it extracted.
 */
async function sendPaths(
  target: SyncTarget,
  paths: string[] | undefined,
  deleted: string[] = [],
  into = { podDir: POD_WORK, tarArgs: [] as string[] }
): Promise<Manifest> {
  const args = [
    ...into.tarArgs,
    ...(paths === undefined
      ? ['-c', '-f', '-', '-C', target.hostDir, '.']
      : ['-c', '-f', '-', '-C', target.hostDir, '--null', '-T', '-'])
  ]
  const listing = new Collect()
  await hostTar(args, async child => {
    const archive = child.stdout!.pipe(new PassThrough({ highWaterMark: 1 << 20 }))
    // "./": a name starting with "-" stays a name for the pod's stat.
    child.stdin!.end(paths === undefined ? undefined : paths.map(p => `./${p}\0`).join(''))
    const command = [
      'sh',
      '-c',
      POD_PUSH_SCRIPT,
      'push',
      into.podDir,
      ...deleted.map(p => `./${p}`)
    ]
    await podCommand(target, command, 'copying the workspace into the pod', {
      // Piped at once: Node drops the output of an exited child nobody was reading yet.
      stdin: archive,
      stdout: listing
    })
  })
  return parsePodListing(listing.text())
}

/**
 * All of `target.hostDir` into `podDir` as a build context: no manifest kept, every entry owned
 * by root (Kaniko's COPY keeps the owner, `docker build` makes it root).
 */
export async function pushDirectory(target: SyncTarget, podDir: string): Promise<void> {
  await sendPaths(target, undefined, [], {
    podDir,
    tarArgs: ['--owner=0', '--group=0', '--numeric-owner']
  })
}

/** The first copy: all of `_work`. */
export async function pushAll(target: SyncTarget): Promise<void> {
  const host = hostManifest(target.hostDir)
  const pod = await sendPaths(target, undefined)
  saveState(target.pod, { host, pod })
}

/** Whether `path` is one of `roots`, inside one, or a folder on the way to one. */
function onRootPath(roots: string[], path: string): boolean {
  return roots.some(
    r => r === '.' || r === path || path.startsWith(`${r}/`) || r.startsWith(`${path}/`)
  )
}

/**
 * The first copy into a pod that needs only `roots` of `_work` (a container step's mounts). The
 * host manifest also lists the folders leading to them, which tar creates in the pod, so that
 * pullChanges brings back only what changed inside the roots.
 */
export async function pushRoots(target: SyncTarget, roots: string[]): Promise<void> {
  const host = hostManifest(target.hostDir, path => !onRootPath(roots, path))
  const pod = await sendPaths(target, roots.includes('.') ? undefined : roots)
  saveState(target.pod, { host, pod })
}

/** Before a step: what the runner changed on the host since the last sync. */
export async function pushChanges(target: SyncTarget): Promise<string[]> {
  const host = hostManifest(target.hostDir)
  const saved = loadState(target.pod)
  const changed = changedPaths(saved.host, host)
  const deleted = deletedPaths(saved.host, host)
  let pod = saved.pod
  if (changed.length + deleted.length > 0)
    pod = merged(without(pod, deleted), await sendPaths(target, changed, deleted))
  saveState(target.pod, { host, pod })
  return changed
}

/** After a step: what the step changed in the pod (file commands, workspace edits). */
export async function pullChanges(target: SyncTarget): Promise<string[]> {
  const listing = new Collect()
  await podCommand(
    target,
    ['sh', '-c', POD_MANIFEST_SCRIPT, 'manifest', POD_WORK],
    'listing the workspace in the pod',
    {
      stdout: listing
    }
  )
  const pod = parsePodListing(listing.text())
  const saved = loadState(target.pod)
  const changed = changedPaths(saved.pod, pod)
  const deleted = deletedPaths(saved.pod, pod)
  for (const path of deleted) rmSync(join(target.hostDir, path), { recursive: true, force: true })
  let host = without(saved.host, deleted)
  if (changed.length > 0) {
    // -i: xargs may split a long list over several tar runs, i.e. several archives in a row.
    await hostTar(['-x', '-i', '-f', '-', '-C', target.hostDir], child =>
      podCommand(
        target,
        ['sh', '-c', PULL_SCRIPT, 'pull', POD_WORK],
        'copying changes out of the pod',
        {
          stdin: Buffer.from(changed.map(p => `./${p}\n`).join('')),
          stdout: child.stdin!
        }
      )
    )
    // What tar wrote is the host's new baseline: its own inodes and times.
    host = merged(host, hostEntries(target.hostDir, changed))
  }
  saveState(target.pod, { host, pod })
  return changed
}
