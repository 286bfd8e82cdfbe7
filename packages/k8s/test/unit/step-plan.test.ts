import { HookError, InputError, StepFailedError } from '@container-hooks/hooklib'
import { LABEL_ROLE } from '../../src/specs/labels'
import {
  planStepPod,
  stepFailure,
  stepRequest,
  type StepPlanInput
} from '../../src/specs/step-plan'
import { parseTemplate } from '../../src/specs/template-merge'
import type { JobState } from '../../src/state'
import { containerStepSystemMounts } from '../../../hooklib/test/fixtures/payloads'
import { busybox } from '../helpers/containers'

const WORK = '/home/runner/_work'
const step = busybox({
  workingDirectory: '/github/workspace',
  systemMountVolumes: containerStepSystemMounts,
  environmentVariables: { FOO: 'bar' }
})
const state: JobState = {
  pod: 'runner-0-job-abc',
  namespace: 'ns',
  storage: 'volume',
  workDir: WORK,
  services: []
}

function input(overrides: Partial<StepPlanInput> = {}): StepPlanInput {
  return {
    config: { runnerPod: 'runner-0', prepareTimeoutMs: 60_000 },
    name: 'runner-0-step-abc',
    image: 'img:1',
    storage: { mode: 'volume', claimName: 'runner-0-work', pinWithAffinity: false },
    runnerImage: 'runner:1',
    pullSecrets: [],
    ...overrides
  }
}

describe('stepRequest', () => {
  test("the saved state's work dir wins over the runner's environment", () => {
    expect(stepRequest(step, {}, state, '/elsewhere').workDir).toBe(WORK)
    expect(stepRequest(step, {}, undefined, WORK).workDir).toBe(WORK)
  })

  test('bad options and mounts outside _work are refused before anything is built', () => {
    expect(() => stepRequest(busybox({ createOptions: '--cpus lots' }), {}, state, '')).toThrow(
      InputError
    )
    expect(() => stepRequest(step, {}, undefined, '')).toThrow(HookError)
  })
})

describe('planStepPod', () => {
  const request = stepRequest(step, {}, state, '')

  test('one pod and its env Secret, both named and labelled for the step', () => {
    const plan = planStepPod(step, request, input())
    expect(plan.name).toBe('runner-0-step-abc')
    expect(plan.pod.metadata?.labels?.[LABEL_ROLE]).toBe('step')
    expect(plan.secret.metadata).toMatchObject({ name: 'runner-0-step-abc' })
    expect(plan.secret.metadata?.labels?.[LABEL_ROLE]).toBe('step-env')
    expect(plan.secret.stringData).toEqual({ FOO: 'bar' })
    expect(plan.pod.spec!.containers.map(c => [c.name, c.image])).toEqual([['step', 'img:1']])
    expect(plan.warnings).toEqual([])
    expect(plan.copyFrom).toBeUndefined()
  })

  test('copy mode: a sync container first, and what to copy', () => {
    const plan = planStepPod(step, request, input({ storage: { mode: 'copy' } }))
    expect(plan.pod.spec!.containers.map(c => c.name)).toEqual(['sync', 'step'])
    expect(plan.copyFrom).toEqual({ workDir: WORK, mounts: request.mounts })
  })

  test('no image is an InputError; ignored options are one warning', () => {
    expect(() => planStepPod(step, request, input({ image: '  ' }))).toThrow(InputError)
    const withRm = stepRequest(busybox({ ...step, createOptions: '--rm' }), {}, state, '')
    expect(planStepPod(step, withRm, input()).warnings).toEqual([
      'These options have no Kubernetes equivalent and were ignored: args.createOptions (img:1): --rm'
    ])
  })

  test('pull secrets, services and the template reach the pod', () => {
    const template = parseTemplate('metadata:\n  labels:\n    team: a\n', 'template.yaml')
    const plan = planStepPod(
      step,
      request,
      input({
        pullSecrets: ['pull-1'],
        services: { ip: '10.0.0.5', names: ['redis'] },
        template
      })
    )
    expect(plan.pod.spec!.imagePullSecrets).toEqual([{ name: 'pull-1' }])
    expect(plan.pod.spec!.hostAliases).toEqual([{ ip: '10.0.0.5', hostnames: ['redis'] }])
    expect(plan.pod.metadata?.labels).toMatchObject({ team: 'a' })
  })
})

describe('stepFailure', () => {
  test("the user's exit code, with the reason when it says more than 'Error'", () => {
    const oom = stepFailure({ exitCode: 137, reason: 'OOMKilled' })
    expect(oom).toBeInstanceOf(StepFailedError)
    expect(oom.exitCode).toBe(137)
    expect(oom.message).toBe('The container step failed with exit code 137 (OOMKilled)')
    expect(stepFailure({ exitCode: 2, reason: 'Error' }).message).toBe(
      'The container step failed with exit code 2'
    )
  })
})
