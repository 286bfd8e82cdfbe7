import { ConfigError } from '../src'
import {
  DEFAULT_DEBUG_IMAGE,
  debugEnabled,
  readDebugSettings,
  wantsDiagnostics,
  wantsHold
} from '../src/debug-settings'

const P = 'ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_'

describe('readDebugSettings', () => {
  test('off by default, busybox image, no hold', () => {
    expect(readDebugSettings({}, P)).toEqual({ mode: 'never', image: DEFAULT_DEBUG_IMAGE })
  })

  test('reads the three variables under the given prefix', () => {
    expect(
      readDebugSettings(
        {
          [`${P}DEBUG`]: ' On-Failure ',
          [`${P}DEBUG_IMAGE`]: 'x/dbg:1',
          [`${P}DEBUG_HOLD_SECONDS`]: '90'
        },
        P
      )
    ).toEqual({ mode: 'on-failure', image: 'x/dbg:1', holdSeconds: 90 })
  })

  test.each([
    [`${P}DEBUG`, 'sometimes'],
    [`${P}DEBUG_HOLD_SECONDS`, '0'],
    [`${P}DEBUG_HOLD_SECONDS`, '1.5'],
    [`${P}DEBUG_HOLD_SECONDS`, '86401'],
    [`${P}DEBUG_IMAGE`, 'two words']
  ])('%s=%s is one ConfigError naming the variable', (name, value) => {
    expect(() => readDebugSettings({ [name]: value }, P)).toThrow(ConfigError)
    expect(() => readDebugSettings({ [name]: value }, P)).toThrow(`${name}=`)
  })

  test('when diagnostics run and when the job is held', () => {
    const never = readDebugSettings({}, P)
    const onFailure = { ...never, mode: 'on-failure' as const, holdSeconds: 5 }
    const always = { ...never, mode: 'always' as const }
    expect([wantsDiagnostics(never, 1), wantsHold(never, 1)]).toEqual([false, false])
    expect([never, onFailure, always, { ...never, holdSeconds: 1 }].map(debugEnabled)).toEqual([
      false,
      true,
      true,
      true
    ])
    expect([wantsDiagnostics(onFailure, 0), wantsHold(onFailure, 0)]).toEqual([false, false])
    expect([wantsDiagnostics(onFailure, 2), wantsHold(onFailure, 2)]).toEqual([true, true])
    expect([wantsDiagnostics(always, 0), wantsHold(always, 3)]).toEqual([true, false])
  })
})
