import { readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { checkExpectations, loadJob, parseJob, type JobResult } from '../src'
import { skippedStep, type StepResult } from '../src/results'
import { tempDir } from './helpers'

const JOBS = resolve(__dirname, '../jobs')

describe('job files', () => {
  it.each(readdirSync(JOBS).filter(f => f.endsWith('.yaml')))(
    'jobs/%s is a valid job with expectations',
    file => {
      const job = loadJob(join(JOBS, file))
      expect(job.steps.length).toBeGreaterThan(0)
    }
  )

  it('fills defaults', () => {
    const job = parseJob({ steps: [{ run: 'x' }, { uses: 'docker://a', with: { n: 1, b: true } }] })
    expect(job).toMatchObject({
      name: 'job',
      repository: 'container-hooks/conformance',
      services: [],
      env: {},
      files: {}
    })
    expect(job.steps[0]).toMatchObject({ shell: 'sh', env: {} })
    expect(job.steps[1]).toMatchObject({ with: { n: '1', b: 'true' } })
  })

  it.each([
    [{ steps: [] }, /steps: Too small/],
    [{ steps: [{ name: 'x' }] }, /steps.0: a step needs `run:` or `uses:`/],
    [
      { steps: [{ uses: 'actions/checkout@v4' }] },
      /steps.0.uses: must be docker:\/\/<image> or .\/<local action>/
    ],
    [
      { container: { image: 'x', entrypoint: 'sh' }, steps: [{ run: 'x' }] },
      /container: Unrecognized key: "entrypoint"/
    ],
    [{ services: [{}], steps: [{ run: 'x' }] }, /services.0.image/],
    [{ steps: [{ run: 'x', if: 'failure()' }] }, /steps.0.if/],
    [{ steps: [{ run: 'x', expect: { result: 'passed' } }] }, /steps.0.expect.result/],
    [{ repository: 'noslash', steps: [{ run: 'x' }] }, /repository: must be owner\/name/]
  ])('names the field of an invalid job (%j)', (doc, message) => {
    expect(() => parseJob(doc, 'job.yaml')).toThrow(message)
  })

  it('names unreadable and non-YAML files', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.yaml'), 'steps: [\n')
    expect(() => loadJob(join(dir, 'bad.yaml'))).toThrow(/bad.yaml is not valid YAML/)
    expect(() => loadJob(join(dir, 'none.yaml'))).toThrow(/Cannot read job file .*none.yaml/)
  })
})

function step(over: Partial<StepResult>): StepResult {
  return { ...skippedStep('s', null), result: 'success', exitCode: 0, ...over }
}
function jobResult(over: Partial<JobResult>): JobResult {
  return {
    result: 'success',
    prepare: null,
    cleanup: null,
    steps: [],
    errors: [],
    workDir: '/w',
    durationMs: 1,
    ...over
  }
}

describe('checkExpectations', () => {
  it('expects success of every step and of the job when nothing is said', () => {
    const job = parseJob({ steps: [{ run: 'a' }, { run: 'b' }] })
    expect(checkExpectations(job, jobResult({ steps: [step({}), step({})] }))).toEqual([])
    expect(
      checkExpectations(
        job,
        jobResult({
          result: 'failure',
          steps: [step({}), step({ result: 'failure', exitCode: 1 })]
        })
      )
    ).toEqual([
      'job: result is failure, expected success',
      'step 2 (Run b): result is failure, expected success'
    ])
  })

  it('checks result, exit code, outputs, log text and duration', () => {
    const job = parseJob({
      steps: [
        {
          run: 'a',
          expect: {
            result: 'failure',
            'exit-code': 3,
            outputs: { k: 'v' },
            'stdout-contains': ['yes'],
            'stdout-not-contains': ['no'],
            'max-seconds': 1
          }
        }
      ]
    })
    const good = step({
      result: 'failure',
      exitCode: 3,
      outputs: { k: 'v' },
      lines: ['yes'],
      durationMs: 500
    })
    expect(checkExpectations(job, jobResult({ result: 'failure', steps: [good] }))).toEqual([])
    const bad = step({
      result: 'success',
      exitCode: 0,
      outputs: {},
      lines: ['no'],
      durationMs: 2000
    })
    expect(checkExpectations(job, jobResult({ result: 'success', steps: [bad] }))).toEqual([
      'job: result is success, expected failure',
      'step 1 (Run a): result is success, expected failure',
      'step 1 (Run a): exit code is 0, expected 3',
      'step 1 (Run a): output k is undefined, expected "v"',
      'step 1 (Run a): output does not contain "yes"',
      'step 1 (Run a): output contains "no"',
      'step 1 (Run a): took 2.0s, expected at most 1s'
    ])
  })

  it('checks prepare_job, error text and cleanup_job', () => {
    const job = parseJob({
      container: { image: 'x' },
      expect: { prepare: 'failure', 'error-contains': 'unhealthy' },
      steps: [{ run: 'a' }]
    })
    const cmd = step({ result: 'success' })
    const failed = jobResult({
      result: 'failure',
      prepare: { ...cmd, result: 'failure' },
      cleanup: cmd,
      errors: ['service 0 is unhealthy'],
      steps: [skippedStep('a', null)]
    })
    expect(checkExpectations(job, failed)).toEqual([])
    expect(
      checkExpectations(job, {
        ...failed,
        prepare: cmd,
        errors: [],
        cleanup: { ...cmd, result: 'failure' }
      })
    ).toEqual([
      'prepare_job: result is success, expected failure',
      'job: no error contains "unhealthy" (errors: [])',
      'cleanup_job: result is failure, expected success'
    ])
  })

  it('implies a cancelled job from a cancelled step', () => {
    const job = parseJob({ steps: [{ run: 'a', expect: { result: 'cancelled' } }] })
    expect(
      checkExpectations(
        job,
        jobResult({ result: 'cancelled', steps: [step({ result: 'cancelled' })] })
      )
    ).toEqual([])
  })
})
