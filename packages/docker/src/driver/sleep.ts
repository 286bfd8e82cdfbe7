/** Waits `ms`, or less when `signal` aborts; resolves true when the full time passed. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal.aborted) return resolve(false)
    const timer = setTimeout(() => resolve(true), ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve(false)), { once: true })
  })
}
