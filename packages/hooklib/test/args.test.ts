import { joinRunnerArgs } from '@container-hooks/hooklib'

// Each case is [what the workflow said, what the runner sends (split on single spaces), argv].
const cases: Array<[string, string[], string[]]> = [
  ['empty args', [], []],
  ['plain words', ['-e', '/__w/_temp/2b6f.sh'], ['-e', '/__w/_temp/2b6f.sh']],
  ['a quoted argument with a space', ['"hello', 'world"'], ['hello world']],
  ['a quoted argument with two spaces', ['"a', '', 'b"'], ['a  b']],
  ['double spaces between words', ['a', '', 'b'], ['a', 'b']],
  ['an empty quoted argument', ['--name', '""'], ['--name', '']],
  ['single quotes', ["'hello", "world'"], ['hello world']],
  ['mixed quoting inside one word', ['--opt="v', 'w"x'], ['--opt=v wx']],
  ['an escaped quote inside double quotes', ['"say', '\\"hi\\""'], ['say "hi"']],
  ['escaped quotes outside quotes', ['\\"x\\"'], ['"x"']],
  ['a backslash-escaped space', ['a\\', 'b'], ['a b']],
  ['an apostrophe in a word stays (unterminated quote)', ["it's"], ["it's"]],
  ['an unterminated double quote stays', ['"unterminated', 'x'], ['"unterminated', 'x']],
  [
    '$VARS stay literal unquoted',
    ['$HOME', '${GITHUB_WORKSPACE}/x'],
    ['$HOME', '${GITHUB_WORKSPACE}/x']
  ],
  ['$VARS stay literal in double quotes', ['"$HOME', 'is', '${HOME}"'], ['$HOME is ${HOME}']],
  ['$VARS stay literal in single quotes', ["'$HOME'"], ['$HOME']],
  ['an escaped dollar in double quotes', ['"\\$HOME"'], ['$HOME']],
  [
    'pipes and redirects are text',
    ['a|b', '|', '>', '2>&1', '<in'],
    ['a|b', '|', '>', '2>&1', '<in']
  ],
  ['control operators are text', ['&&', ';', '||', '(x)', '&'], ['&&', ';', '||', '(x)', '&']],
  ['globs are text', ['*.txt', 'file?.log', '[ab]'], ['*.txt', 'file?.log', '[ab]']],
  ['hashes are text, not comments', ['#c', 'x#y', '"#q"'], ['#c', 'x#y', '#q']],
  [
    'a shell -c script',
    ['-c', '"echo', 'hello', '$GITHUB_WORKSPACE', '|', 'cat"'],
    ['-c', 'echo hello $GITHUB_WORKSPACE | cat']
  ],
  [
    'a Dockerfile action with inputs',
    ['"Hello', 'World"', '--name', "it's"],
    ['Hello World', '--name', "it's"]
  ],
  ['newlines inside quotes', ['"line1\nline2"'], ['line1\nline2']],
  ['unicode', ['"héllo', 'wörld"', '✓'], ['héllo wörld', '✓']]
]

describe('joinRunnerArgs', () => {
  it.each(cases)('%s', (_name, pieces, expected) => {
    expect(joinRunnerArgs(pieces)).toEqual(expected)
  })

  it('does not modify its input', () => {
    const pieces = ['"a', 'b"']
    joinRunnerArgs(pieces)
    expect(pieces).toEqual(['"a', 'b"'])
  })
})
