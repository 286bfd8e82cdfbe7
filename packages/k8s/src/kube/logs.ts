/**
 * Streams a container's output live from its first line (pods/log with follow) until the
 * container has terminated, with back-pressure, and returns how it terminated. The exit code
 * comes from the container status, never from the stream. A stream that ends or breaks while
 * the container still runs (API server restart, dropped connection) is followed again where it
 * stopped (LogDecoder), for up to the reconnect bound of no answer from the API.
 */
import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node'
import { HookError, type ConnectionWatch, type Logger } from '@container-hooks/hooklib'
import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import type { Writable } from 'node:stream'
import { apiWatch, isApiConnectionError } from './api-connection'
import type { KubeClient } from './client'
import { LogDecoder } from './log-decoder'
import { getPod, POLL_MS, sleep } from './pods'

export interface LogFollow {
  client: KubeClient
  pod: string
  container: string
  out: Writable
  signal: AbortSignal
  log: Logger
  /** How long the API may not answer before the step's fate counts as unknown. */
  reconnectMs: number
}

/**
 * The hook's lines ("lost", "back") wait while the step's output is inside a line, so that no
 * step line is split by them.
 */
class LineSafeLog {
  private pending: string[] = []

  constructor(
    private readonly log: Logger,
    private readonly decoder: LogDecoder
  ) {}

  info = (msg: string): void => {
    this.pending.push(msg)
    if (this.decoder.atLineStart) this.flush()
  }

  flush(): void {
    for (const msg of this.pending.splice(0)) this.log.info(msg)
  }
}

function openStream(f: LogFollow, decoder: LogDecoder): Promise<IncomingMessage> {
  const since = decoder.since ? `&sinceTime=${encodeURIComponent(decoder.since)}` : ''
  const path = `pods/${f.pod}/log?container=${encodeURIComponent(f.container)}&follow=true&timestamps=true${since}`
  return f.client.stream(path, { verb: 'get', resource: 'pods/log' }, f.signal)
}

interface Following {
  decoder: LogDecoder
  lines: LineSafeLog
  watch: ConnectionWatch
}

/** Copies the stream to `out`; false when the connection broke. */
async function copyStream(
  res: IncomingMessage,
  f: LogFollow,
  { decoder, lines, watch }: Following
): Promise<boolean> {
  try {
    for await (const chunk of res) {
      const text = decoder.push(chunk as Buffer)
      if (text.length === 0) continue
      if (!f.out.write(text)) await once(f.out, 'drain', { signal: f.signal })
      if (decoder.atLineStart) lines.flush()
    }
    return true
  } catch (err) {
    if (f.signal.aborted || !isApiConnectionError(err)) throw err
    watch.lost(err)
    return false
  }
}

/** How the container ended, undefined while it runs. */
function ended(pod: V1Pod, f: LogFollow): V1ContainerStateTerminated | undefined {
  const done = pod.status?.containerStatuses?.find(s => s.name === f.container)?.state?.terminated
  if (done) return done
  const phase = pod.status?.phase
  if (phase === 'Failed' || phase === 'Succeeded')
    throw new HookError(
      `Step pod ${f.pod} ended (${phase}) without a status for its container${pod.status?.message ? `: ${pod.status.message}` : ''}`
    )
  return undefined
}

export async function followLog(f: LogFollow): Promise<V1ContainerStateTerminated> {
  const decoder = new LogDecoder()
  const lines = new LineSafeLog(f.log, decoder)
  const watch = apiWatch(f.client, f.reconnectMs, f.signal, lines)
  try {
    for (let first = true; ; first = false) {
      if (!first) decoder.resume()
      const res = await watch.call(() => openStream(f, decoder))
      // Broken: follow again at once (the watch paces the attempts while there is no answer).
      if (!(await copyStream(res, f, { decoder, lines, watch }))) continue
      const done = ended(await watch.call(() => getPod(f.client, f.pod)), f)
      if (done) return done
      // The kubelet ends the stream when the container exits; its status follows within a moment.
      await sleep(POLL_MS, f.signal)
    }
  } finally {
    lines.flush()
    if (decoder.gaps > 0)
      f.log.warning(
        `Part of the step's output is missing: the container's log was rotated while the connection to the API was down (${decoder.gaps} time(s))`
      )
  }
}
