import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hostEntries, hostManifest } from '../../src/sync/host-manifest'
import {
  changedPaths,
  deletedPaths,
  fromJson,
  isRacy,
  merged,
  toJson,
  without,
  type Entry,
  type Manifest
} from '../../src/sync/manifest'
import { parsePodListing } from '../../src/sync/pod-listing'

// As BusyBox and GNU stat print it in the pod (POD_MANIFEST_SCRIPT).
const listing = (lines: string[], clock = 1796530500): string =>
  [`clock ${clock}`, ...lines].join('\n') + '\n'
const file = (ino: number, mtime: string, ctime: string, path: string, size = 6): string =>
  `81a4 ${size} 1796530431 1796530431 ${ino} 2026-12-06 ${mtime} +0000 2026-12-06 ${ctime} +0000 ${path}`

describe('pod listing', () => {
  test('parses entries, names without ./ or a trailing /, and skips . itself', () => {
    const m = parsePodListing(
      listing([
        '41ed 4096 1796530431 1796530431 7 2026-12-06 04:13:51.2 +0000 2026-12-06 04:13:51.2 +0000 ./',
        '41ed 4096 1796530431 1796530431 8 2026-12-06 04:13:51.2 +0000 2026-12-06 04:13:51.2 +0000 ./repo/',
        'a1ff 1 1796530431 1796530431 9 2026-12-06 04:13:51.2 +0000 2026-12-06 04:13:51.2 +0000 ./repo/l',
        file(10, '04:13:51.100000000', '04:13:51.100000000', './repo/with space')
      ])
    )
    expect([...m.keys()]).toEqual(['repo', 'repo/l', 'repo/with space'])
    expect(m.get('repo/with space')).toEqual({
      kind: 'file',
      size: 6,
      mtime: 1796530431,
      stamp: '10 2026-12-06 04:13:51.100000000 +0000 2026-12-06 04:13:51.100000000 +0000'
    })
  })

  test('a same-size rewrite in the same second is a change: a new inode or a new ctime', () => {
    const before = parsePodListing(listing([file(10, '04:13:51.1', '04:13:51.1', './v.txt')]))
    // sed -i: a new file renamed over the old one, its mtime then set back (touch -r).
    const sed = parsePodListing(listing([file(11, '04:13:51.1', '04:13:51.7', './v.txt')]))
    // An in-place write keeps the inode; ctime moves.
    const inPlace = parsePodListing(listing([file(10, '04:13:51.1', '04:13:51.7', './v.txt')]))
    expect(changedPaths(before, sed)).toEqual(['v.txt'])
    expect(changedPaths(before, inPlace)).toEqual(['v.txt'])
    expect(changedPaths(before, before)).toEqual([])
  })

  test('on a whole-second file system, an entry changed as its listing began is racy', () => {
    const coarse = (clock: number) =>
      parsePodListing(
        listing([file(10, '04:13:51.000000000', '04:13:51.000000000', './v.txt')], clock)
      )
    expect(coarse(1796530431).get('v.txt')?.racy).toBe(true)
    expect(coarse(1796530440).get('v.txt')?.racy).toBeUndefined()
    // Racy counts as changed once, even with identical stamps.
    expect(changedPaths(coarse(1796530431), coarse(1796530440))).toEqual(['v.txt'])
    expect(isRacy(100, false, 100)).toBe(false)
  })
})

describe('manifests', () => {
  const entry = (mtime: number, stamp?: string): Entry => ({ kind: 'file', size: 1, mtime, stamp })

  test('a stamp is compared only when both listings have one', () => {
    const before: Manifest = new Map([['a', entry(5)]])
    expect(changedPaths(before, new Map([['a', entry(5, 'x')]]))).toEqual([])
    expect(changedPaths(new Map([['a', entry(5, 'x')]]), new Map([['a', entry(5, 'y')]]))).toEqual([
      'a'
    ])
  })

  test('without, merged, deletions and the JSON round trip', () => {
    const m: Manifest = new Map([
      ['d', { kind: 'dir', size: 0, mtime: 1 }],
      ['d/a', entry(1)],
      ['da', entry(1)]
    ])
    expect([...without(m, ['d']).keys()]).toEqual(['da'])
    expect(merged(m, new Map([['da', entry(2)]])).get('da')?.mtime).toBe(2)
    expect(deletedPaths(m, new Map([['da', entry(1)]]))).toEqual(['d'])
    const state = { host: m, pod: new Map([['x', entry(3, 's')]]) }
    expect(fromJson(toJson(state))).toEqual(state)
  })
})

describe('host manifest', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'manifest-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  /** Rewrites v.txt with the same size and its old mtime, `inPlace` or by rename. */
  function rewrite(inPlace: boolean): string[] {
    writeFileSync(join(dir, 'v.txt'), '1.2.3\n')
    const before = hostManifest(dir)
    const { atime, mtime } = statSync(join(dir, 'v.txt'))
    const target = inPlace ? 'v.txt' : 'new'
    writeFileSync(join(dir, target), '1.2.4\n')
    utimesSync(join(dir, target), atime, mtime)
    if (!inPlace) renameSync(join(dir, 'new'), join(dir, 'v.txt'))
    return changedPaths(before, hostManifest(dir))
  }

  test('a same-size rewrite with the old mtime put back is a change', () => {
    expect(rewrite(true)).toEqual(['v.txt'])
  })

  test('a file replaced by rename (a new inode) is a change', () => {
    expect(rewrite(false)).toEqual(['v.txt'])
  })

  test('hostEntries lists paths and what is below them; missing ones are skipped', () => {
    writeFileSync(join(dir, 'a'), 'a')
    const all = hostManifest(dir)
    expect(hostEntries(dir, ['a', 'gone'])).toEqual(new Map([['a', all.get('a')]]))
  })
})
