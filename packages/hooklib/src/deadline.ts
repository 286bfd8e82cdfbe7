/**
 * A time bound as an AbortSignal, for calls that must give up after a while or when a parent
 * signal (the step's cancellation) aborts.
 *
 * Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 (one of the runner's
 * Node versions) nothing keeps that inner timeout signal alive, a garbage collection drops it,
 * and the bound never fires. Here the timer holds the controller.
 */
export interface Deadline {
  signal: AbortSignal
  /** Stops the timer; call it when the bounded work is over. */
  clear(): void
}

export function deadline(ms: number, ...parents: AbortSignal[]): Deadline {
  const controller = new AbortController()
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer in ${ms} ms`, 'TimeoutError')),
    ms
  )
  return {
    signal:
      parents.length > 0 ? AbortSignal.any([...parents, controller.signal]) : controller.signal,
    clear: () => clearTimeout(timer)
  }
}
