/** isAlpine for the response: picks the musl node build the runner uses for JavaScript actions. */
import { PassThrough } from 'node:stream'
import type { KubeClient } from '../kube/client'
import { exec } from '../kube/exec'

export async function detectAlpine(
  client: KubeClient,
  pod: string,
  container: string,
  signal: AbortSignal
): Promise<boolean> {
  const code = await exec(client, {
    pod,
    container,
    command: ['sh', '-c', '[ -f /etc/alpine-release ]'],
    stdout: new PassThrough().resume(),
    stderr: new PassThrough().resume(),
    signal,
    what: 'the Alpine check'
  })
  return code === 0
}
