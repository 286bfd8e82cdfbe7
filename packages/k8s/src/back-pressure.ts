/**
 * Writes what one source (an exec's websocket, the step helper's socket) carries to several
 * targets, pausing the source while any target is full. One 'drain' listener per full target,
 * not one per write: a chunk holds many frames, and a listener each piled up on a slow stdout
 * until Node printed its MaxListenersExceededWarning into the middle of a step's line.
 * Imports nothing, so the step helper's client stays light.
 */
export interface Pausable {
  pause(): unknown
  resume(): unknown
}

export class BackPressure {
  private readonly full = new Set<NodeJS.WritableStream>()

  constructor(private readonly source: Pausable) {}

  write(target: NodeJS.WritableStream, data: Uint8Array): void {
    if (target.write(data) || this.full.has(target)) return
    if (this.full.size === 0) this.source.pause()
    this.full.add(target)
    target.once('drain', () => {
      this.full.delete(target)
      if (this.full.size === 0) this.source.resume()
    })
  }
}
