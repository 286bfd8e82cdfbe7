import { oomKilledMessage } from '../src/oom-kill'

describe('oomKilledMessage', () => {
  test('names the limit in MiB, as a quantity, or the machine when there is none', () => {
    expect(oomKilledMessage(33554432, 'options: --memory')).toBe(
      "The step was killed for lack of memory (OOM-killed, exit code 137): the job container's memory limit is 32 MiB (options: --memory)"
    )
    expect(oomKilledMessage('256Mi', 'limits')).toMatch(/memory limit is 256Mi \(limits\)$/)
    for (const none of [0, '', undefined]) {
      expect(oomKilledMessage(none, 'x')).toMatch(/no memory limit, so the machine itself ran out/)
    }
  })
})
