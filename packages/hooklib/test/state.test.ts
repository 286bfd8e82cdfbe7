import * as z from 'zod/mini'
import { InputError, readSavedState, readSavedStateOrIgnore } from '@container-hooks/hooklib'

const schema = z.strictObject({ pod: z.string(), services: z.array(z.string()) })
const saved = { pod: 'runner-0-job', services: ['redis'] }

describe('readSavedState', () => {
  it('returns the state the hook saved, and null when the runner sent none', () => {
    expect(readSavedState(schema, saved)).toEqual(saved)
    expect(readSavedState(schema, null)).toBeNull()
  })

  it.each([
    [{ pod: 7, services: [] }, 'state.pod: expected a string, got 7'],
    [{ ...saved, extra: 1 }, 'state: unknown field "extra"'],
    [{ nested: { deeper: {} } }, 'state.pod: expected a string, got missing (and 2 more)']
  ])('refuses %j with one line naming the field', (state, problem) => {
    expect(() => readSavedState(schema, state)).toThrow(
      new InputError(`Invalid hook input: ${problem}; it is not the state this hook saved`)
    )
  })

  it('never shows a string of the state', () => {
    expect(() => readSavedState(schema, { pod: 'secret-ish', services: 'token' })).toThrow(
      'state.services: expected an array, got a string'
    )
  })
})

describe('readSavedStateOrIgnore', () => {
  it('warns once and returns null for a state that is not ours', () => {
    const warnings: string[] = []
    const log = { warning: (m: string) => warnings.push(m) }
    expect(readSavedStateOrIgnore(schema, { pod: 1 }, log)).toBeNull()
    expect(readSavedStateOrIgnore(schema, saved, log)).toEqual(saved)
    expect(warnings).toEqual([
      'Ignored the saved state (state.pod: expected a string, got 1 (and 1 more)); cleaning up by label'
    ])
  })
})
