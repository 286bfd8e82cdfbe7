/**
 * The step's spool in the job container (exec-spec.ts), seen from the hook: while the stream is
 * up, segments the hook has delivered are pruned, so disk use stays near what is not yet
 * delivered; after a lost connection, the rest of the output and the exit status are read back
 * through the archive API, from the byte where the stream stopped.
 */
import type { DockerHookConfig } from '../config'
import {
  indexFile,
  pruneCommand,
  segmentFile,
  statusFile,
  type SpoolStream
} from '../specs/exec-spec'
import { firstTarFile } from '../specs/os-release'
import type { Delivered } from './demux'
import { statusOf } from './engine'
import { engineBytes } from './engine-api'
import { execDetached, type ExecTarget, type ScriptExec } from './exec-calls'

// One prune exec per 32 MiB delivered: a few per GiB, none for a step that prints little.
const PRUNE_EVERY = 32 * 1024 * 1024
const STREAMS: SpoolStream[] = ['out', 'err']

/** Called after each delivered chunk: prunes delivered segments, one exec at a time. */
export function spoolPruner(target: ExecTarget, marker: string, delivered: Delivered): () => void {
  const pruned: Delivered = { out: 0, err: 0 }
  let busy = false
  return () => {
    const stream = STREAMS.find(s => delivered[s] - pruned[s] >= PRUNE_EVERY)
    if (busy || stream === undefined) return
    busy = true
    const upTo = delivered[stream]
    execDetached(target, pruneCommand(marker, stream, upTo))
      // A failed prune only leaves more on disk; the next one covers it.
      .then(
        () => (pruned[stream] = upTo),
        () => undefined
      )
      .finally(() => (busy = false))
  }
}

/** A file of the job container, through the archive API; undefined when it does not exist. */
async function readFile(
  config: DockerHookConfig,
  id: string,
  path: string
): Promise<Buffer | undefined> {
  try {
    const tar = await engineBytes(config, {
      method: 'GET',
      path: `/containers/${encodeURIComponent(id)}/archive?path=${encodeURIComponent(path)}`
    })
    return firstTarFile(tar)
  } catch (err) {
    if (statusOf(err) === 404) return undefined
    throw err
  }
}

function write(out: NodeJS.WritableStream, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => out.write(bytes, err => (err ? reject(err) : resolve())))
}

/** Prints what `stream` spooled beyond `delivered` (updated), segment by segment. */
async function replayStream(
  target: ExecTarget,
  { marker, output }: ScriptExec,
  stream: SpoolStream,
  delivered: Delivered
): Promise<void> {
  const { config, containerId } = target
  const index = await readFile(config, containerId, indexFile(marker, stream))
  // One "<n> <bytes>" line per finished segment; the one after them is being written.
  const sizes = (index?.toString('latin1') ?? '')
    .split('\n')
    .filter(line => line !== '')
    .map(line => Number(line.split(' ')[1]))
  const out = stream === 'err' ? output.stderr : output.stdout
  for (let n = 0, start = 0; n <= sizes.length; start += sizes[n] ?? 0, n++) {
    if (n < sizes.length && start + sizes[n] <= delivered[stream]) continue
    const bytes = await readFile(config, containerId, segmentFile(marker, stream, n))
    if (bytes === undefined) return
    const from = delivered[stream] - start
    if (from < bytes.length) {
      await write(out, bytes.subarray(from))
      delivered[stream] = start + bytes.length
    }
  }
}

export async function replaySpool(
  target: ExecTarget,
  step: ScriptExec,
  delivered: Delivered
): Promise<void> {
  for (const stream of STREAMS) await replayStream(target, step, stream, delivered)
}

/** The wrapper's record: the exit code, and whether the output was spooled. */
export interface KeptStatus {
  code: number
  spooled: boolean
}

export async function keptStatus(
  target: ExecTarget,
  marker: string
): Promise<KeptStatus | undefined> {
  const raw = await readFile(target.config, target.containerId, statusFile(marker))
  const [code, spooled] = (raw?.toString('latin1').trim() ?? '').split(' ')
  if (!/^\d+$/.test(code ?? '')) return undefined
  return { code: Number(code), spooled: spooled === '1' }
}
