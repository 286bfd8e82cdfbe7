/**
 * Streams a container's output live from its first line (pods/log with follow) until the
 * container has terminated, with back-pressure, and returns how it terminated. The exit code
 * comes from the container status, never from the stream. A stream that ends while the
 * container still runs (API server restart, dropped connection) is resumed from the last line's
 * timestamp without repeating lines.
 */
import type { V1ContainerStateTerminated, V1Pod } from '@kubernetes/client-node'
import { HookError } from '@container-hooks/hooklib'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { KubeClient } from './client'
import { LostConnectionError } from './exec'
import { getPod, POLL_MS, sleep } from './pods'

// Consecutive failures to reach the API for this long: the step's fate is unknown.
const LOST_AFTER_MS = 120_000
const SPACE = 0x20
const NEWLINE = 0x0a

/**
 * Removes the timestamp the kubelet puts in front of every line (`timestamps=true`), and after
 * `resume()` drops the lines a resumed stream repeats (those not newer than the last one shown).
 * The kubelet's timestamps have a fixed width, so they compare as strings.
 */
export class LogDecoder {
  /** Timestamp of the last line shown. */
  last = ''
  private after = ''
  // The timestamp read so far at the start of a line; undefined inside a line.
  private head: string | undefined = ''
  private skipping = false

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = []
    let i = 0
    while (i < chunk.length) {
      if (this.head !== undefined) {
        const space = chunk.indexOf(SPACE, i)
        if (space < 0) {
          this.head += chunk.toString('latin1', i)
          break
        }
        const stamp = this.head + chunk.toString('latin1', i, space)
        this.head = undefined
        this.skipping = this.after !== '' && stamp <= this.after
        if (!this.skipping) this.last = stamp
        i = space + 1
        continue
      }
      const newline = chunk.indexOf(NEWLINE, i)
      const end = newline < 0 ? chunk.length : newline + 1
      if (!this.skipping) out.push(chunk.subarray(i, end))
      if (newline >= 0) this.head = ''
      i = end
    }
    return Buffer.concat(out)
  }

  /** Before reading a resumed stream; returns a newline when the last line shown was cut off. */
  resume(): Buffer {
    const cut = this.head === undefined && !this.skipping
    this.after = this.last
    this.head = ''
    this.skipping = false
    return Buffer.from(cut ? '\n' : '')
  }
}

async function copyStream(
  client: KubeClient,
  path: string,
  decoder: LogDecoder,
  out: Writable,
  signal: AbortSignal
): Promise<void> {
  const res = await client.stream(path, { verb: 'get', resource: 'pods/log' }, signal)
  for await (const chunk of res) {
    const text = decoder.push(chunk as Buffer)
    if (text.length > 0 && !out.write(text)) await once(out, 'drain', { signal })
  }
}

function terminated(pod: V1Pod, container: string): V1ContainerStateTerminated | undefined {
  return pod.status?.containerStatuses?.find(s => s.name === container)?.state?.terminated
}

export async function followLog(
  client: KubeClient,
  pod: string,
  container: string,
  out: Writable,
  signal: AbortSignal
): Promise<V1ContainerStateTerminated> {
  const decoder = new LogDecoder()
  const query = `container=${encodeURIComponent(container)}&follow=true&timestamps=true`
  let failingSince: number | undefined
  for (let first = true; ; first = false) {
    let failure: Error | undefined
    try {
      if (!first) out.write(decoder.resume())
      const since = decoder.last ? `&sinceTime=${encodeURIComponent(decoder.last)}` : ''
      await copyStream(client, `pods/${pod}/log?${query}${since}`, decoder, out, signal)
    } catch (err) {
      if (signal.aborted) throw err
      failure = err as Error
    }
    let state: V1Pod | undefined
    try {
      state = await getPod(client, pod)
    } catch (err) {
      if (signal.aborted) throw err
      failure = err as Error
    }
    if (state) {
      const done = terminated(state, container)
      if (done) return done
      const phase = state.status?.phase
      if (phase === 'Failed' || phase === 'Succeeded')
        throw new HookError(
          `Step pod ${pod} ended (${phase}) without a status for its container${state.status?.message ? `: ${state.status.message}` : ''}`
        )
    }
    if (failure === undefined) failingSince = undefined
    else failingSince ??= Date.now()
    if (failingSince !== undefined && Date.now() - failingSince > LOST_AFTER_MS) {
      throw new LostConnectionError(
        `Lost the connection to the Kubernetes API while the container step was running: ${failure?.message ?? ''}`
      )
    }
    // The kubelet ends the stream when the container exits; its status follows within a moment.
    await sleep(failure ? 1_000 : POLL_MS, signal)
  }
}
