import { COMMANDS, StepFailedError, HookError } from '@container-hooks/hooklib'

describe('protocol', () => {
  it('lists the four commands the runner sends', () => {
    expect(COMMANDS).toEqual([
      'prepare_job',
      'cleanup_job',
      'run_script_step',
      'run_container_step'
    ])
  })

  it('keeps the user exit code on a failed step', () => {
    const err = new StepFailedError(3)
    expect(err).toBeInstanceOf(HookError)
    expect(err.exitCode).toBe(3)
    expect(err.name).toBe('StepFailedError')
  })
})
