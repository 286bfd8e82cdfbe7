import { PassThrough } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { InputError, STEP_MARKER as EXEC_MARKER } from '@container-hooks/hooklib'
import { demuxer } from '../../src/driver/demux'
import {
  endTrailer,
  killExecCommand,
  indexFile,
  pruneCommand,
  scriptExecOptions,
  segmentFile,
  statusFile
} from '../../src/specs/exec-spec'
import { planJob } from '../../src/specs/job-plan'
import { buildTag, runnerJobId, withDefaultTag } from '../../src/specs/names'
import { firstTarEntry, isAlpineRelease } from '../../src/specs/os-release'
import { publishedPorts } from '../../src/specs/ports'
import { readState, readStateForCleanup } from '../../src/specs/state'
import { container, script } from '../support/inputs'

describe('scriptExecOptions', () => {
  it('re-tokenizes args, prepends PATH before the container PATH, sends env in the body', () => {
    const options = scriptExecOptions(
      script(['-e', '"/tmp/a', 'b.sh"'], {
        environmentVariables: { SECRET: 'x y' },
        prependPath: ['/one', '/two'],
        workingDirectory: '/w'
      }),
      '/usr/bin:/bin',
      'abc'
    )
    expect(options.Cmd).toEqual(['sh', '-e', '/tmp/a b.sh'])
    expect(options.Env).toEqual([
      'SECRET=x y',
      'PATH=/one:/two:/usr/bin:/bin',
      `${EXEC_MARKER}=abc`
    ])
    expect(options.WorkingDir).toBe('/w')
  })

  it("prefers the step's own PATH and leaves PATH alone without prependPath", () => {
    const own = scriptExecOptions(
      script([], { environmentVariables: { PATH: '/mine' }, prependPath: ['/p'] }),
      '/c',
      'm'
    )
    expect(own.Env).toContain('PATH=/p:/mine')
    expect(scriptExecOptions(script([]), '/c', 'm').Env).toEqual([`${EXEC_MARKER}=m`])
  })

  it('runs the step under the sh wrapper that spools its output, when there is sh', () => {
    const options = scriptExecOptions(script(['-e', '/a.sh']), '/c', 'm1', true)
    expect(options.Cmd.slice(0, 2)).toEqual(['sh', '-c'])
    expect(options.Cmd.slice(3)).toEqual(['sh', 'sh', '-e', '/a.sh'])
    expect(options.Cmd[2]).toContain(`d=/tmp/.container-hooks/$${EXEC_MARKER}`)
    expect(statusFile('m1')).toBe('/tmp/.container-hooks/m1/status')
    expect(segmentFile('m1', 'err', 2)).toBe('/tmp/.container-hooks/m1/err.2')
    expect(indexFile('m1', 'out')).toBe('/tmp/.container-hooks/m1/out.idx')
  })

  it('prunes only the segments that end within what the hook has', () => {
    const [sh, flag, body] = pruneCommand('m1', 'out', 1000)
    expect([sh, flag]).toEqual(['sh', '-c'])
    expect(body).toContain('[ "$end" -le 1000 ] && rm -f "$d/out.$n"')
    expect(body).toContain('< "$d/out.idx"')
  })

  it('kills by marker with a plain sh script', () => {
    const [sh, flag, body] = killExecCommand('0123abcd', 'TERM')
    expect([sh, flag]).toEqual(['sh', '-c'])
    expect(body).toContain(`grep -qx '${EXEC_MARKER}=0123abcd'`)
    expect(body).toContain('kill -TERM')
  })
})

describe('names', () => {
  it('adds :latest only when there is no tag or digest', () => {
    expect(withDefaultTag('redis')).toBe('redis:latest')
    expect(withDefaultTag('localhost:5000/redis')).toBe('localhost:5000/redis:latest')
    expect(withDefaultTag('redis:7')).toBe('redis:7')
    expect(withDefaultTag('redis@sha256:abc')).toBe('redis@sha256:abc')
  })

  it('derives stable build tags and runner job ids', () => {
    expect(buildTag('/a/Dockerfile', 'j1')).toBe(buildTag('/a/Dockerfile', 'j1'))
    expect(buildTag('/a/Dockerfile', 'j1')).not.toBe(buildTag('/b/Dockerfile', 'j1'))
    expect(buildTag('/a/Dockerfile', 'j1')).toMatch(/^container-hooks-build\/[0-9a-f]{16}:j1$/)
    expect(runnerJobId('r')).toMatch(/^[0-9a-f]{12}$/)
    expect(runnerJobId('r')).toBe(runnerJobId('r'))
  })
})

describe('publishedPorts', () => {
  it('maps each container port to its first IPv4 host port', () => {
    expect(
      publishedPorts({
        '80/tcp': [
          { HostIp: '::', HostPort: '49154' },
          { HostIp: '0.0.0.0', HostPort: '49153' }
        ],
        '53/udp': null,
        '6379/tcp': [{ HostIp: '::', HostPort: '1' }]
      })
    ).toEqual({ '80/tcp': '49153', '6379/tcp': '1' })
    expect(publishedPorts(undefined)).toEqual({})
  })
})

describe('os-release', () => {
  function tar(name: string, type: '0' | '2', content: string, link = ''): Buffer {
    const header = Buffer.alloc(512)
    header.write(name, 0)
    header.write(content.length.toString(8).padStart(11, '0'), 124)
    header.write(type, 156)
    header.write(link, 157)
    return Buffer.concat([header, Buffer.from(content), Buffer.alloc(1024)])
  }

  it('reads a file or a symlink entry', () => {
    expect(firstTarEntry(tar('os-release', '0', 'ID=alpine\n'))).toEqual({
      kind: 'file',
      content: 'ID=alpine\n'
    })
    expect(firstTarEntry(tar('os-release', '2', '', '../usr/lib/os-release'))).toEqual({
      kind: 'symlink',
      target: '../usr/lib/os-release'
    })
    expect(firstTarEntry(Buffer.alloc(10))).toEqual({ kind: 'other' })
  })

  it('recognises alpine only by ID', () => {
    expect(isAlpineRelease('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n')).toBe(true)
    expect(isAlpineRelease('ID="alpine"')).toBe(true)
    expect(isAlpineRelease('ID=debian\nID_LIKE=alpine\n')).toBe(false)
  })
})

describe('readState', () => {
  it('accepts its own state and rejects anything else', () => {
    const state = {
      docker: 1,
      jobId: 'abcdefabcdef',
      network: { name: 'n', owned: true },
      container: null,
      services: []
    }
    expect(readState(state)).toEqual(state)
    expect(readState(null)).toBeNull()
    expect(() => readState({ docker: 2 })).toThrow(
      'Invalid hook input: state.docker: expected one of 1, got 2 (and 4 more); it is not the state this hook saved'
    )
    expect(() => readState({ ...state, jobId: '../etc' })).toThrow('state.jobId')
    expect(() => readState({ ...state, extra: 1 })).toThrow('state: unknown field "extra"')
  })

  it('is ignored with one warning by cleanup_job', () => {
    const warnings: string[] = []
    expect(readStateForCleanup({ docker: 2 }, { warning: m => warnings.push(m) })).toBeNull()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^Ignored the saved state \(state\.docker: .*\); cleaning up by label$/
    )
  })
})

describe('planJob', () => {
  const ctx = {
    jobId: 'abcdefabcdef',
    runnerName: 'r',
    existingNetwork: undefined,
    hostEnv: {},
    readFile: () => ''
  }

  it('plans a network, the job container and aliased services in input order', () => {
    const plan = planJob(
      {
        container: container('node:20'),
        services: [container('ghcr.io/x/redis:7'), container('redis')]
      },
      ctx
    )
    expect(plan.network).toEqual({ name: 'ch-abcdefabcdef', owned: true })
    expect(plan.container?.create.name).toBe('ch-abcdefabcdef-job')
    expect(plan.services.map(s => [s.alias, s.create.name, s.description])).toEqual([
      ['redis', 'ch-abcdefabcdef-redis', 'service "redis" (ghcr.io/x/redis:7)'],
      ['redis-2', 'ch-abcdefabcdef-redis-2', 'service "redis-2" (redis)']
    ])
    expect(plan.services[1].create.Labels).toMatchObject({
      'org.container-hooks.alias': 'redis-2',
      'org.container-hooks.role': 'service',
      'org.container-hooks.image': 'redis'
    })
    expect(plan.container?.create.Labels).toMatchObject({ 'org.container-hooks.image': 'node:20' })
  })

  it('joins an existing network without owning it', () => {
    const plan = planJob(
      { container: container('a'), services: [] },
      { ...ctx, existingNetwork: 'shared' }
    )
    expect(plan.network).toEqual({ name: 'shared', owned: false })
  })

  it('validates everything before anything is created', () => {
    expect(() => planJob({ container: null, services: [] }, ctx)).toThrow(InputError)
    expect(() => planJob({ container: container(null), services: [] }, ctx)).toThrow(
      'container.image is required'
    )
    expect(() =>
      planJob(
        { container: container('a'), services: [container('b', { createOptions: '--bogus' })] },
        ctx
      )
    ).toThrow('services[0].createOptions: unknown flag --bogus')
  })
})

describe('demuxer', () => {
  function frame(stream: 1 | 2, text: string): Buffer {
    const header = Buffer.alloc(8)
    header[0] = stream
    header.writeUInt32BE(Buffer.byteLength(text), 4)
    return Buffer.concat([header, Buffer.from(text)])
  }

  it('splits frames across chunk boundaries, in order', async () => {
    const out = new PassThrough()
    const err = new PassThrough()
    const outText: string[] = []
    const errText: string[] = []
    out.on('data', (d: Buffer) => outText.push(d.toString()))
    err.on('data', (d: Buffer) => errText.push(d.toString()))
    const all = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')])
    const source = new PassThrough()
    const done = pipeline(source, demuxer(out, err))
    for (let i = 0; i < all.length; i += 5) source.write(all.subarray(i, i + 5))
    source.end()
    await done
    expect(outText.join('')).toBe('hello world')
    expect(errText.join('')).toBe('oops')
  })

  it('fails when the stream ends inside a frame', async () => {
    const source = new PassThrough()
    const done = pipeline(source, demuxer(new PassThrough(), new PassThrough()))
    source.end(frame(1, 'truncated').subarray(0, 12))
    await expect(done).rejects.toThrow('ended inside a frame')
  })

  it('waits for one drain per blocked stream, not one per frame, and counts what it passed on', async () => {
    // A stdout that is always full: every write asks for a drain.
    const out = new PassThrough({ highWaterMark: 1 })
    const chunks: string[] = []
    const many = Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(1, `line ${i}\n`)))
    const source = new PassThrough()
    const delivered = { out: 0, err: 0 }
    const done = pipeline(source, demuxer(out, new PassThrough(), { delivered }))
    source.end(Buffer.concat([many, frame(2, 'e')]))
    await new Promise(resolve => setImmediate(resolve))
    expect(out.listenerCount('drain')).toBeLessThanOrEqual(1)
    out.on('data', (d: Buffer) => chunks.push(d.toString()))
    await done
    expect(chunks.join('')).toBe(Array.from({ length: 50 }, (_, i) => `line ${i}\n`).join(''))
    expect(delivered).toEqual({ out: many.length - 50 * 8, err: 1 })
  })

  it('strips the end trailer from stderr and marks the stream complete, even split across frames', async () => {
    const trailer = endTrailer('m1')
    const err = new PassThrough()
    const errText: string[] = []
    err.on('data', (d: Buffer) => errText.push(d.toString('latin1')))
    const delivered = { out: 0, err: 0 }
    const source = new PassThrough()
    const done = pipeline(source, demuxer(new PassThrough(), err, { delivered, trailer }))
    const last = Buffer.concat([Buffer.from('warn\n'), trailer.subarray(0, 10)]).toString('latin1')
    source.write(frame(2, 'a\0b\n'))
    source.write(frame(2, last))
    source.end(frame(2, trailer.subarray(10).toString('latin1')))
    await done
    expect(errText.join('')).toBe('a\0b\nwarn\n')
    expect(delivered).toEqual({ out: 0, err: 9, complete: true })
  })

  it('leaves a stream without the whole trailer incomplete, its possible start undelivered', async () => {
    const trailer = endTrailer('m1')
    const delivered = { out: 0, err: 0 }
    const source = new PassThrough()
    const done = pipeline(
      source,
      demuxer(new PassThrough(), new PassThrough(), { delivered, trailer })
    )
    source.end(frame(2, `x${trailer.subarray(0, 5).toString('latin1')}`))
    await done
    expect(delivered).toEqual({ out: 0, err: 1 })
  })
})
