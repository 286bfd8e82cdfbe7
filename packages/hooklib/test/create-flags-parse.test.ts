import { parseCreateFlags } from '../src/create-flags-parse'

const flags = (raw: string): string[] =>
  parseCreateFlags(raw, 'f').flags.map(f => `${f.name}=${f.value}`)

describe('parseCreateFlags (pflag rules)', () => {
  test.each([
    ['--memory 512m', ['memory=512m']],
    ['--memory=512m', ['memory=512m']],
    ['-m512m', ['memory=512m']],
    ['-m=512m', ['memory=512m']],
    ['-it', ['interactive=true', 'tty=true']],
    ['-tu root', ['tty=true', 'user=root']],
    ['-turoot', ['tty=true', 'user=root']],
    ['--init=false', ['init=false']],
    ['--rm=1', ['rm=true']],
    ['-e A=1 -e A=2', ['env=A=1', 'env=A=2']],
    ['--entrypoint --help', ['entrypoint=--help']],
    ["--health-cmd 'curl -f http://x || exit 1'", ['health-cmd=curl -f http://x || exit 1']]
  ])('%s', (raw, expected) => expect(flags(raw)).toEqual(expected))

  test('a boolean flag never takes the next word', () => {
    expect(parseCreateFlags('--init false', 'f')).toEqual({
      flags: [{ name: 'init', value: 'true' }],
      unknown: ['false']
    })
  })

  test('unknown flags and stray words are returned', () => {
    expect(parseCreateFlags('--nope 1 -Z word -- x', 'f').unknown).toEqual([
      '--nope',
      '-Z',
      'word',
      'x'
    ])
  })

  test.each([
    ['--memory', 'f: --memory needs a value'],
    ['-e', 'f: -e needs a value'],
    ['--init=maybe', 'f: --init takes true or false, got "maybe"'],
    ['-e "A=1', 'f: unterminated " quote in "-e "A=1"']
  ])('%s is one clear error', (raw, message) => {
    expect(() => parseCreateFlags(raw, 'f')).toThrow(message)
  })
})
