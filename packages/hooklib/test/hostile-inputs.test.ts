import { InputError, parseInput } from '@container-hooks/hooklib'
import { decodeUtf8 } from '../src/process-io'
import { hostileInputs, type ValidInputs } from './fixtures/hostile-inputs'
import * as payloads from './fixtures/payloads'

const RF = '/home/runner/_work/_temp/_runner_hook_responses/response.json'
const inputs = {
  prepareJob: payloads.prepareJob(RF),
  runScriptStep: payloads.runScriptStep(RF),
  runContainerStep: { ...payloads.runContainerStep(RF), state: payloads.savedState },
  cleanupJob: payloads.cleanupJob(RF)
} as unknown as ValidInputs

function refusal(stdin: Buffer): string {
  try {
    parseInput(decodeUtf8(stdin))
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return (err as Error).message
  }
  return 'accepted'
}

describe('hostileInputs', () => {
  const cases = hostileInputs(inputs, 19)

  it('makes at least 300 cases, the same for the same seed', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300)
    const again = hostileInputs(inputs, 19)
    expect(again.map(c => c.stdin.toString('base64'))).toEqual(
      cases.map(c => c.stdin.toString('base64'))
    )
    const other = hostileInputs(inputs, 20)
    expect(other.map(c => c.name)).not.toEqual(cases.map(c => c.name))
  })

  it('covers the four commands, 1 MB strings, deep nesting, truncation and bad UTF-8', () => {
    const names = cases.map(c => c.name).join('\n')
    for (const what of [
      'prepare_job',
      'run_script_step',
      'run_container_step',
      'cleanup_job',
      '1 MB long',
      '10,000 levels deep',
      'truncated at byte',
      'invalid UTF-8'
    ])
      expect(names).toContain(what)
  })

  it('makes input cases that the input schema refuses, naming their field', () => {
    const wrong = cases
      .filter(c => c.kind === 'input')
      .map(c => ({ name: c.name, field: c.field, refusal: refusal(c.stdin) }))
      .filter(r => !r.refusal.includes(r.field))
    expect(wrong).toEqual([])
  })
})
