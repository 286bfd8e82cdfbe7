/** Waits `ms`, or less when `signal` aborts; resolves true when the full time passed. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise(resolve => {
    if (signal.aborted) return resolve(false)
    // The listener goes with the timer: a polling loop must not pile listeners on the signal.
    const onAbort = (): void => (clearTimeout(timer), resolve(false))
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
