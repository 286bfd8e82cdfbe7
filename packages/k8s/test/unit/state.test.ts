import { readState, readStateForCleanup, toHookState, type JobState } from '../../src/state'

const state: JobState = {
  pod: 'runner-0-workflow',
  namespace: 'hooks-test',
  storage: 'volume',
  workDir: '/home/runner/_work',
  jobContainer: 'job',
  services: ['redis'],
  secret: 'runner-0-pull',
  accessModes: ['ReadWriteOnce']
}

describe('readState', () => {
  test('reads back what prepare_job saved, and nothing when the runner sent none', () => {
    expect(readState(toHookState(state))).toEqual(state)
    expect(readState(toHookState({ ...state, jobContainer: undefined }))).toEqual({
      ...state,
      jobContainer: undefined
    })
    expect(readState(null)).toBeUndefined()
  })

  test.each([
    [{ ...state, namespace: '../kube-system' }, 'state.namespace: expected a namespace name'],
    [{ ...state, storage: 'nfs' }, 'state.storage: expected one of "volume", "copy"'],
    [{ ...state, workDir: 'relative' }, 'state.workDir: expected an absolute path'],
    [{ ...state, services: 'redis' }, 'state.services: expected an array, got a string'],
    [{ ...state, extra: 1 }, 'state: unknown field "extra"'],
    [{ network: 'github_network_1' }, 'state.pod: expected a string, got missing']
  ])('refuses a state that is not ours: %j', (bad, problem) => {
    expect(() => readState(bad)).toThrow(`Invalid hook input: ${problem}`)
  })

  test('cleanup_job ignores a state that is not ours, with one warning', () => {
    const warnings: string[] = []
    expect(readStateForCleanup({ pod: 1 }, { warning: m => warnings.push(m) })).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^Ignored the saved state \(state\.pod: .*\); cleaning up by label$/
    )
  })
})
