/** isAlpine for the response: picks the musl node build the runner uses for JavaScript actions. */
import type { KubeClient } from './client'
import { execQuiet } from './exec'

export async function detectAlpine(
  client: KubeClient,
  pod: string,
  container: string,
  signal: AbortSignal
): Promise<boolean> {
  const code = await execQuiet(client, {
    pod,
    container,
    command: ['sh', '-c', '[ -f /etc/alpine-release ]'],
    signal,
    what: 'the Alpine check'
  })
  return code === 0
}
