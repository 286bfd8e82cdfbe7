/** Waits `ms`: the engine's polls (exit code, stop, fate) between calls. */
export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
