import { createLogger, escapeData, isDebug, MIN_MASK_LENGTH } from '@container-hooks/hooklib'

function capture(debug = false) {
  const lines: string[] = []
  const log = createLogger({ write: text => lines.push(text), debug })
  return { log, lines }
}

describe('createLogger', () => {
  it('prints info as plain lines and the workflow commands', () => {
    const { log, lines } = capture(true)
    log.info('Pulling redis:7')
    log.debug('details')
    log.notice('fyi')
    log.warning('slow')
    log.error('broken')
    log.startGroup('Starting services')
    log.endGroup()
    expect(lines).toEqual([
      'Pulling redis:7\n',
      '::debug::details\n',
      '::notice::fyi\n',
      '::warning::slow\n',
      '::error::broken\n',
      '::group::Starting services\n',
      '::endgroup::\n'
    ])
  })

  it('drops debug lines unless debug is on', () => {
    const { log, lines } = capture(false)
    log.debug('hidden')
    expect(lines).toEqual([])
  })

  it('keeps a multi-line message in ONE command line', () => {
    const { log, lines } = capture(true)
    log.error('first\nsecond\r\n100% done')
    expect(lines).toEqual(['::error::first%0Asecond%0D%0A100%25 done\n'])
  })

  it('groups around an async function, also when it throws', async () => {
    const { log, lines } = capture()
    await expect(log.group('g', () => Promise.resolve(42))).resolves.toBe(42)
    await expect(
      log.group('h', () => {
        log.info('inside')
        return Promise.reject(new Error('boom'))
      })
    ).rejects.toThrow('boom')
    expect(lines).toEqual([
      '::group::g\n',
      '::endgroup::\n',
      '::group::h\n',
      'inside\n',
      '::endgroup::\n'
    ])
  })

  it('masks registered secrets everywhere and announces them to the runner', () => {
    const { log, lines } = capture(true)
    log.addMask('s3cr3t-token')
    log.info('login with s3cr3t-token')
    log.debug('token=s3cr3t-token;again=s3cr3t-token')
    log.error('bad s3cr3t-token')
    log.startGroup('group s3cr3t-token')
    expect(lines).toEqual([
      '::add-mask::s3cr3t-token\n',
      'login with ***\n',
      '::debug::token=***;again=***\n',
      '::error::bad ***\n',
      '::group::group ***\n'
    ])
    expect(log.mask('x s3cr3t-token y')).toBe('x *** y')
  })

  it('masks the longer of overlapping secrets whole', () => {
    const { log } = capture()
    log.addMask('abcd')
    log.addMask('abcdefgh')
    expect(log.mask('abcdefgh abcd')).toBe('*** ***')
  })

  it('masks each line of a multi-line secret and escapes it in add-mask', () => {
    const { log, lines } = capture()
    log.addMask('-----BEGIN KEY-----\nAAAAbbbb\n-----END KEY-----')
    expect(lines).toEqual([
      '::add-mask::-----BEGIN KEY-----%0AAAAAbbbb%0A-----END KEY-----\n',
      '::add-mask::-----BEGIN KEY-----\n',
      '::add-mask::AAAAbbbb\n',
      '::add-mask::-----END KEY-----\n'
    ])
    expect(log.mask('key: AAAAbbbb')).toBe('key: ***')
  })

  it(`ignores values shorter than ${MIN_MASK_LENGTH} characters and repeated ones`, () => {
    const { log, lines } = capture()
    log.addMask('')
    log.addMask('abc')
    log.addMask('   ')
    log.addMask('abcd')
    log.addMask('abcd')
    expect(lines).toEqual(['::add-mask::abcd\n'])
    expect(log.mask('abc abcd')).toBe('abc ***')
  })

  it('writes to process.stdout and reads debug from the environment by default', () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const saved = process.env.RUNNER_DEBUG
    try {
      process.env.RUNNER_DEBUG = '1'
      createLogger().debug('to stdout')
      expect(spy).toHaveBeenCalledWith('::debug::to stdout\n')
    } finally {
      spy.mockRestore()
      if (saved === undefined) delete process.env.RUNNER_DEBUG
      else process.env.RUNNER_DEBUG = saved
    }
  })
})

describe('isDebug', () => {
  it.each([
    [{ RUNNER_DEBUG: '1' }, true],
    [{ ACTIONS_STEP_DEBUG: 'true' }, true],
    [{ ACTIONS_STEP_DEBUG: 'TRUE' }, true],
    [{ RUNNER_DEBUG: '0' }, false],
    [{ ACTIONS_STEP_DEBUG: 'false' }, false],
    [{}, false]
  ])('%j → %s', (env, expected) => {
    expect(isDebug(env)).toBe(expected)
  })
})

describe('escapeData', () => {
  it('escapes %, CR and LF, percent first', () => {
    expect(escapeData('%0A\r\n')).toBe('%250A%0D%0A')
  })
})
