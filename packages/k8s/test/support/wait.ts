// Waiting for a condition in tests, with no cluster access: unit tests use it too.

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

// Polls until check returns a value (not undefined), or fails after timeoutMs with the last
// state that describe() gives.
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  describe?: () => Promise<string>,
  intervalMs = 500
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const result = await check()
    if (result !== undefined) return result
    if (Date.now() > deadline) {
      const detail = describe ? `: ${await describe()}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`)
    }
    await sleep(intervalMs)
  }
}
