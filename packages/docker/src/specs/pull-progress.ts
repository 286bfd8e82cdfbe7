/**
 * PURE: the engine's pull events (one JSON object per layer update) summed up into one readable
 * line per image: layers done, bytes downloaded; and the summary line once the pull ends.
 */
export interface PullEvent {
  status?: string
  id?: string
  progressDetail?: { current?: number; total?: number }
}

interface Layer {
  /** Bytes downloaded so far, and the layer's compressed size once the engine said it. */
  current: number
  total: number
  state: 'waiting' | 'downloading' | 'extracting' | 'done' | 'present'
}

export interface PullProgress {
  layers: Map<string, Layer>
  /** From the engine's closing `Status:` line. */
  outcome?: 'up to date' | 'downloaded'
}

export function newPullProgress(): PullProgress {
  return { layers: new Map() }
}

const LAYER_ID = /^[0-9a-f]{12,64}$/

/** Folds one event into `progress` (the caller's own object). */
export function applyPullEvent(progress: PullProgress, event: PullEvent): void {
  const status = event.status ?? ''
  if (/^Status: Image is up to date/.test(status)) progress.outcome = 'up to date'
  if (/^Status: Downloaded newer image/.test(status)) progress.outcome = 'downloaded'
  if (event.id === undefined || !LAYER_ID.test(event.id)) return
  const layer = progress.layers.get(event.id) ?? { current: 0, total: 0, state: 'waiting' }
  progress.layers.set(event.id, layer)
  const detail = event.progressDetail ?? {}
  if (status === 'Downloading') {
    layer.state = 'downloading'
    layer.current = detail.current ?? layer.current
    layer.total = detail.total ?? layer.total
  } else if (status === 'Download complete' || status === 'Verifying Checksum') {
    layer.current = Math.max(layer.current, layer.total)
  } else if (status === 'Extracting') {
    layer.state = 'extracting'
    layer.current = Math.max(layer.current, layer.total)
  } else if (status === 'Pull complete') layer.state = 'done'
  else if (status === 'Already exists') layer.state = 'present'
}

/** 1536 → "1.5 kB"; decimal units, as `docker pull` prints them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`
}

function counts(progress: PullProgress): {
  layers: number
  finished: number
  present: number
  current: number
  total: number
} {
  const list = [...progress.layers.values()]
  return {
    layers: list.length,
    finished: list.filter(l => l.state === 'done' || l.state === 'present').length,
    present: list.filter(l => l.state === 'present').length,
    current: list.reduce((sum, l) => sum + l.current, 0),
    total: list.reduce((sum, l) => sum + l.total, 0)
  }
}

/** `Pulling node:20: 3/7 layers done, 45.2 MB of 120.5 MB` while the pull runs. */
export function progressLine(image: string, progress: PullProgress): string {
  const c = counts(progress)
  if (c.layers === 0) return `Pulling ${image}: resolving`
  const bytes = c.total > 0 ? `, ${formatBytes(c.current)} of ${formatBytes(c.total)}` : ''
  return `Pulling ${image}: ${c.finished}/${c.layers} layers done${bytes}`
}

/** `Pulled node:20 in 4.2s: 7 layers, 5 downloaded (120.5 MB), 2 already present`. */
export function summaryLine(image: string, progress: PullProgress, seconds: number): string {
  const c = counts(progress)
  const head = `Pulled ${image} in ${seconds.toFixed(1)}s`
  // No layer lines: the engine had every layer already (from another image) or the image.
  if (c.layers === 0 && progress.outcome === 'up to date') return `${head}: up to date`
  if (c.layers === 0 && progress.outcome === 'downloaded') return `${head}: all layers present`
  if (c.layers === 0) return head
  const downloaded = c.layers - c.present
  const parts = [`${c.layers} layer${c.layers === 1 ? '' : 's'}`]
  if (downloaded > 0) parts.push(`${downloaded} downloaded (${formatBytes(c.total)})`)
  if (c.present > 0) parts.push(`${c.present} already present`)
  return `${head}: ${parts.join(', ')}`
}
