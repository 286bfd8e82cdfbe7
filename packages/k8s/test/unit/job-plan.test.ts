import { InputError, type PrepareJobArgs } from '@container-hooks/hooklib'
import { planJob, registryPasswords, type JobPlanInput } from '../../src/specs/job-plan'
import { LABEL_ROLE } from '../../src/specs/labels'
import { parseTemplate } from '../../src/specs/template-merge'
import { busybox } from '../helpers/containers'

const registry = { username: 'u', password: 'sekrit-password', serverUrl: '127.0.0.1:5000' }

function args(overrides: Partial<PrepareJobArgs> = {}): PrepareJobArgs {
  return {
    container: busybox({
      systemMountVolumes: [
        {
          sourceVolumePath: '/runner/_work',
          targetVolumePath: '/__w',
          readOnly: false,
          userProvidedValue: null
        }
      ]
    }),
    services: [busybox({ image: 'redis:7', portMappings: ['6379'] })],
    ...overrides
  }
}

function input(overrides: Partial<JobPlanInput> = {}): JobPlanInput {
  return {
    config: { runnerPod: 'runner-0', externalsDir: '/home/runner/externals' },
    namespace: 'ns',
    hostEnv: {},
    envWorkDir: '/from/env/_work',
    names: { pod: 'runner-0-job-abc', secret: 'runner-0-pull-def' },
    storage: { mode: 'volume', claimName: 'runner-0-work', pinWithAffinity: false },
    accessModes: ['ReadWriteOnce'],
    runnerImage: 'runner:1',
    ...overrides
  }
}

describe('planJob', () => {
  test('one pod with the job container and the services, the state to save, the context', () => {
    const plan = planJob(args(), input())
    expect(plan.pod.metadata?.name).toBe('runner-0-job-abc')
    expect(plan.pod.metadata?.labels?.[LABEL_ROLE]).toBe('job')
    expect(plan.pod.spec!.containers.map(c => c.name)).toEqual(['job', 'redis', 'externals'])
    expect(plan.secret).toBeUndefined()
    expect(plan.warnings).toEqual([])
    expect(plan.state).toEqual({
      pod: 'runner-0-job-abc',
      namespace: 'ns',
      storage: 'volume',
      accessModes: ['ReadWriteOnce'],
      workDir: '/runner/_work',
      jobContainer: 'job',
      services: ['redis']
    })
    expect(plan.response).toEqual({
      context: {
        container: { id: 'runner-0-job-abc', ports: {} },
        services: [{ id: 'runner-0-job-abc', ports: { '6379': '6379' } }]
      }
    })
  })

  test('copy mode saves no access modes; without a /__w mount the work dir is the env one', () => {
    const plan = planJob(
      args({ container: busybox() }),
      input({ storage: { mode: 'copy' }, accessModes: [] })
    )
    expect(plan.state).toMatchObject({ storage: 'copy', workDir: '/from/env/_work' })
    expect(plan.state).not.toHaveProperty('accessModes')
  })

  test('a service-only job: no job container in the state, the pod or the context', () => {
    const plan = planJob(args({ container: null }), input())
    expect(plan.state.jobContainer).toBeUndefined()
    expect(plan.pod.spec!.containers.map(c => c.name)).not.toContain('job')
    expect(plan.response.context).not.toHaveProperty('container')
  })

  test('registry credentials: a pull secret, named in the state and in the pod', () => {
    const withCredentials = args({ services: [busybox({ image: 'redis:7', registry })] })
    const plan = planJob(withCredentials, input())
    expect(plan.secret?.metadata?.name).toBe('runner-0-pull-def')
    expect(plan.secret?.metadata?.labels?.[LABEL_ROLE]).toBe('pull-secret')
    expect(plan.state.secret).toBe('runner-0-pull-def')
    expect(plan.pod.spec!.imagePullSecrets).toEqual([{ name: 'runner-0-pull-def' }])
    expect(registryPasswords(withCredentials)).toEqual(['sekrit-password'])
  })

  test('warnings in order: template image, ignored options, volumes outside _work', () => {
    const template = parseTemplate(
      'spec:\n  containers:\n    - name: $job\n      image: other:1\n',
      'template.yaml'
    )
    const plan = planJob(
      args({
        container: busybox({
          createOptions: '--rm',
          userMountVolumes: [
            {
              sourceVolumePath: '/etc',
              targetVolumePath: '/host-etc',
              readOnly: true,
              userProvidedValue: null
            }
          ]
        })
      }),
      input({ template })
    )
    expect(plan.warnings).toHaveLength(3)
    expect(plan.warnings[0]).toMatch(/image/)
    expect(plan.warnings[1]).toMatch(/^These options have no Kubernetes equivalent.*--rm/)
    expect(plan.warnings[2]).toMatch(/^volumes: .*outside its _work/)
  })

  test('the template is merged into the pod', () => {
    const template = parseTemplate('metadata:\n  labels:\n    team: a\n', 'template.yaml')
    const plan = planJob(args(), input({ template }))
    expect(plan.pod.metadata?.labels).toMatchObject({ team: 'a', [LABEL_ROLE]: 'job' })
  })

  test('bad input is refused before anything exists: an InputError naming the field', () => {
    const bad = args({ services: [busybox({ createOptions: '--cpus lots' })] })
    expect(() => planJob(bad, input())).toThrow(InputError)
    expect(() => planJob(bad, input())).toThrow(/args\.services\[0\]\.createOptions/)
  })
})
