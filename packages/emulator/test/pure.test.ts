import { parseKeyValueFile } from '../src/file-commands'
import { expand } from '../src/expressions'
import { proxyEnv, quoteActionArgs, registryHost, splitRunnerArgs, userMount } from '../src/inputs'
import { stepTimer } from '../src/job-run'
import { parseWorkflowCommand, maskLine } from '../src/workflow-commands'
import { summaryTable } from '../src/report'
import { skippedStep } from '../src/results'
import { hookNode } from '../src/run-job'

describe('runner argument splitting', () => {
  it('splits a docker:// args string on single spaces, keeping the literal quotes', () => {
    expect(splitRunnerArgs('printf "%s|" "hello world" plain')).toEqual([
      'printf',
      '"%s|"',
      '"hello',
      'world"',
      'plain'
    ])
  })
  it('sends no args as an empty list and an empty string as one empty piece', () => {
    expect(splitRunnerArgs(null)).toEqual([])
    expect(splitRunnerArgs('')).toEqual([''])
  })
  it('quotes runs.args like the runner: leading space, escaped quotes', () => {
    const joined = quoteActionArgs(['Mona', 'two words', 'say "hi"'])
    expect(joined).toBe(' "Mona" "two words" "say \\"hi\\""')
    expect(splitRunnerArgs(joined)).toEqual(['', '"Mona"', '"two', 'words"', '"say', '\\"hi\\""'])
  })
})

describe('registry host', () => {
  it.each([
    ['redis:7', ''],
    ['library/redis', ''],
    ['container-hooks-test/busybox:1', ''],
    ['ghcr.io/owner/image:1', 'ghcr.io'],
    ['127.0.0.1:5000/private/busybox:1', '127.0.0.1:5000'],
    ['localhost/x', 'localhost']
  ])('%s -> %j', (image, host) => expect(registryHost(image)).toBe(host))
})

describe('proxy settings', () => {
  it('passes the runner proxy in both cases, whichever case it was set in', () => {
    expect(proxyEnv({ https_proxy: 'http://p:3128', NO_PROXY: 'localhost', PATH: '/bin' })).toEqual(
      {
        HTTPS_PROXY: 'http://p:3128',
        https_proxy: 'http://p:3128',
        NO_PROXY: 'localhost',
        no_proxy: 'localhost'
      }
    )
  })
})

describe('user mounts', () => {
  it('parses source:target[:ro] and anonymous volumes', () => {
    expect(userMount('/data:/d:ro')).toEqual({
      userProvidedValue: '/data:/d:ro',
      sourceVolumePath: '/data',
      targetVolumePath: '/d',
      readOnly: true
    })
    expect(userMount('named:/n')).toMatchObject({
      sourceVolumePath: 'named',
      targetVolumePath: '/n',
      readOnly: false
    })
    expect(userMount('/anon')).toMatchObject({ sourceVolumePath: null, targetVolumePath: '/anon' })
  })
})

describe('file command files', () => {
  it('reads name=value and heredoc blocks', () => {
    const text = 'a=1\nempty=\nb=x=y\nmulti<<EOF\nline 1\n\nline 3\nEOF\nc=3\n'
    expect(parseKeyValueFile(text, 'GITHUB_OUTPUT')).toEqual({
      a: '1',
      empty: '',
      b: 'x=y',
      multi: 'line 1\n\nline 3',
      c: '3'
    })
  })
  it('accepts CRLF and an empty file', () => {
    expect(parseKeyValueFile('a=1\r\nb<<E\r\nx\r\nE\r\n', 'f')).toEqual({ a: '1', b: 'x' })
    expect(parseKeyValueFile('', 'f')).toEqual({})
  })
  it('fails like the runner on a missing delimiter or a bad line', () => {
    expect(() => parseKeyValueFile('a<<EOF\nno end\n', 'GITHUB_ENV')).toThrow(
      /GITHUB_ENV: matching delimiter "EOF" not found/
    )
    expect(() => parseKeyValueFile('just text\n', 'GITHUB_OUTPUT')).toThrow(
      /invalid line "just text"/
    )
    expect(() => parseKeyValueFile('a<<\n', 'GITHUB_OUTPUT')).toThrow(/empty delimiter/)
  })
})

describe('expressions', () => {
  const ctx = {
    steps: { one: { x: 'X' } },
    inputs: { who: 'Mona' },
    env: { E: 'e' },
    job: { container: { id: 'cid', network: 'net' } }
  }
  it('substitutes the supported subset and leaves missing values empty', () => {
    expect(
      expand(
        '${{ steps.one.outputs.x }}-${{inputs.who}}-${{ env.E }}-${{ job.container.id }}-${{ job.container.network }}-${{ steps.two.outputs.y }}',
        ctx
      )
    ).toBe('X-Mona-e-cid-net-')
  })
  it('names an unsupported expression', () => {
    expect(() => expand('${{ github.sha }}', ctx)).toThrow(
      /Unsupported expression \$\{\{ github.sha \}\}/
    )
  })
})

describe('workflow commands and masking', () => {
  it('parses ::error:: with and without parameters', () => {
    expect(parseWorkflowCommand('::error::it broke%0Atwice')).toEqual({
      name: 'error',
      message: 'it broke\ntwice'
    })
    expect(parseWorkflowCommand('::error file=a.ts,line=1::x')).toEqual({
      name: 'error',
      message: 'x'
    })
    expect(parseWorkflowCommand('plain output')).toBeNull()
  })
  it('masks every registered secret', () => {
    expect(maskLine('a s3cret and s3cret', ['s3cret', ''])).toBe('a *** and ***')
  })
})

describe('step timers', () => {
  it('picks the earlier of cancel-after and timeout-minutes', () => {
    expect(stepTimer()).toBeUndefined()
    expect(stepTimer(2)).toEqual({ afterMs: 2000, reason: 'cancel' })
    expect(stepTimer(undefined, 0.5)).toEqual({ afterMs: 30000, reason: 'timeout' })
    expect(stepTimer(120, 1)).toEqual({ afterMs: 60000, reason: 'timeout' })
  })
})

describe('summary table', () => {
  it('lists every command with result, exit code and duration', () => {
    const lines = summaryTable({
      result: 'success',
      prepare: null,
      cleanup: null,
      steps: [skippedStep('Say hi', null)],
      errors: [],
      workDir: '/w',
      durationMs: 1500
    })
    expect(lines[0]).toMatch(/^step\s+result\s+exit\s+duration$/)
    expect(lines[2]).toMatch(/^Say hi\s+skipped\s+-\s+0.0s$/)
    expect(lines[3]).toBe('job: success in 1.5s')
  })
})

describe("the hook's Node, as the runner picks it", () => {
  const nodes = { HOOKS_NODE20: '/n/20/bin/node', HOOKS_NODE24: '/n/24/bin/node' }

  it('is Node 20 by default, Node 24 when the runner is forced to node24', () => {
    expect(hookNode(nodes)).toBe('/n/20/bin/node')
    expect(hookNode({ ...nodes, ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION: 'node20' })).toBe(
      '/n/20/bin/node'
    )
    expect(hookNode({ ...nodes, ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION: 'node24' })).toBe(
      '/n/24/bin/node'
    )
  })

  it("is the emulator's own node when the chosen one is not given", () => {
    expect(hookNode({ HOOKS_NODE24: '/n/24/bin/node' })).toBe(process.execPath)
  })
})
