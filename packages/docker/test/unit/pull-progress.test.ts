import {
  applyPullEvent,
  formatBytes,
  newPullProgress,
  progressLine,
  summaryLine,
  type PullEvent
} from '../../src/specs/pull-progress'

const A = 'aaaaaaaaaaaa'
const B = 'bbbbbbbbbbbb'
const C = 'cccccccccccc'

function fold(events: PullEvent[]): ReturnType<typeof newPullProgress> {
  const progress = newPullProgress()
  for (const e of events) applyPullEvent(progress, e)
  return progress
}

describe('pull progress', () => {
  it('counts layers done and bytes while downloading', () => {
    const progress = fold([
      { status: 'Pulling from org/app', id: '1' },
      { status: 'Pulling fs layer', id: A },
      { status: 'Pulling fs layer', id: B },
      { status: 'Already exists', id: C },
      { status: 'Downloading', id: A, progressDetail: { current: 500_000, total: 2_000_000 } },
      { status: 'Downloading', id: B, progressDetail: { current: 1_000_000, total: 1_000_000 } },
      { status: 'Download complete', id: B },
      { status: 'Extracting', id: B, progressDetail: { current: 32768, total: 1_000_000 } },
      { status: 'Pull complete', id: B }
    ])
    expect(progressLine('org/app:1', progress)).toBe(
      'Pulling org/app:1: 2/3 layers done, 1.5 MB of 3.0 MB'
    )
  })

  it('sums up a finished pull in one line', () => {
    const progress = fold([
      { status: 'Pulling fs layer', id: A },
      { status: 'Already exists', id: C },
      { status: 'Downloading', id: A, progressDetail: { current: 10, total: 2_400_000 } },
      { status: 'Verifying Checksum', id: A },
      { status: 'Download complete', id: A },
      { status: 'Pull complete', id: A },
      { status: 'Digest: sha256:0123' },
      { status: 'Status: Downloaded newer image for org/app:1' }
    ])
    expect(summaryLine('org/app:1', progress, 3.21)).toBe(
      'Pulled org/app:1 in 3.2s: 2 layers, 1 downloaded (2.4 MB), 1 already present'
    )
  })

  it('says when the image was up to date', () => {
    const progress = fold([
      { status: 'Pulling from library/busybox', id: '1' },
      { status: 'Digest: sha256:0123' },
      { status: 'Status: Image is up to date for busybox:1' }
    ])
    expect(progressLine('busybox:1', progress)).toBe('Pulling busybox:1: resolving')
    expect(summaryLine('busybox:1', progress, 0.4)).toBe('Pulled busybox:1 in 0.4s: up to date')
  })

  it('says when every layer was there already', () => {
    const progress = fold([
      { status: 'Pulling from private/app', id: '1' },
      { status: 'Status: Downloaded newer image for r/private/app:1' }
    ])
    expect(summaryLine('r/private/app:1', progress, 0.1)).toBe(
      'Pulled r/private/app:1 in 0.1s: all layers present'
    )
  })

  test.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 kB'],
    [2_500_000_000, '2.5 GB']
  ])('formatBytes(%d) = %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text))
})
