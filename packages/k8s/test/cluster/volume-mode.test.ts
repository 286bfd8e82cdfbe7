// prepare_job → run_script_step → cleanup_job through the bundled hook, on the real local
// cluster (scripts/k8s/up), as the minimal-Role account, in volume mode (the runner's claim).
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/volume-mode.test.ts
import type { HookState, PrepareJobResponse } from '@container-hooks/hooklib'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expectSuccess, fileCommand, jobContainer, runHook, scriptStep } from '../helpers/hook'
import { expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'
import { busybox } from '../helpers/containers'

jest.setTimeout(180_000)

let state: HookState

const job = useClusterJob()

describe('volume mode', () => {
  test('prepare_job creates one pod with the job container and the services', async () => {
    const args = {
      container: jobContainer(job.work, {
        environmentVariables: { HOME: '/github/home', FROM_JOB: 'yes' }
      }),
      services: [busybox({ image: 'container-hooks-test/service:1', portMappings: ['8080'] })]
    }
    const run = expectSuccess(await runHook('prepare_job', args, null, job.work))
    const response = run.response as PrepareJobResponse
    expect(response.isAlpine).toBe(false)
    expect(response.context?.services).toEqual([
      { id: expect.any(String) as string, ports: { '8080': '8080' } }
    ])
    state = response.state!
    const pod = await readPod(job.c, state.pod as string)
    expect(pod.spec!.containers.map(x => x.name)).toEqual(['job', 'service', 'externals'])
    // /__e was filled while the others started; prepare_job returned once the copy was done.
    const externals = pod.status!.containerStatuses!.find(s => s.name === 'externals')
    expect(externals?.state?.terminated?.exitCode).toBe(0)
    expect(pod.spec!.nodeName).toBe(job.c.env.nodeName)
    expect(pod.spec!.volumes![0].persistentVolumeClaim?.claimName).toBe(job.c.env.claimName)
  })

  test('a script step sees the runner paths and env, and its file commands reach the host', async () => {
    writeFileSync(join(job.work.repo, 'from-host.txt'), 'host file\n')
    const step = scriptStep(
      job.work,
      [
        'echo "cwd=$(pwd) home=$HOME ci=$CI actions=$GITHUB_ACTIONS job=$FROM_JOB secret=$MY_SECRET"',
        'cat from-host.txt',
        'for d in /__w /__e /github/home /github/workflow; do [ -d $d ] || echo "missing $d"; done',
        'echo "path=$PATH"',
        'echo "answer=42" >> "$GITHUB_OUTPUT"',
        'echo "FOO=bar" >> "$GITHUB_ENV"',
        'echo "/opt/tools" >> "$GITHUB_PATH"',
        'echo created > made-in-pod.txt'
      ].join('\n'),
      { MY_SECRET: 's3cr3t-value' }
    )
    step.prependPath = ['/opt/first', '/opt/second']
    const run = expectSuccess(await runHook('run_script_step', step, state, job.work))
    expect(run.stdout).toContain(
      'cwd=/__w/repo/repo home=/github/home ci=true actions=true job=yes secret=s3cr3t-value'
    )
    expect(run.stdout).toContain('host file')
    expect(run.stdout).not.toContain('missing')
    expect(run.stdout).toMatch(/path=\/opt\/first:\/opt\/second:/)
    expect(fileCommand(job.work, step, 'GITHUB_OUTPUT')).toBe('answer=42\n')
    expect(fileCommand(job.work, step, 'GITHUB_ENV')).toBe('FOO=bar\n')
    expect(fileCommand(job.work, step, 'GITHUB_PATH')).toBe('/opt/tools\n')
    expect(readFileSync(join(job.work.repo, 'made-in-pod.txt'), 'utf8')).toBe('created\n')
  })

  test("the user's exit code becomes the hook's exit code", async () => {
    const run = await runHook(
      'run_script_step',
      scriptStep(job.work, 'echo before; exit 3'),
      state,
      job.work
    )
    expect(run.stdout).toContain('before')
    expect(run.stdout).toMatch(/::error::.*exit code 3/)
    expect(run.code).toBe(3)
  })

  test('args with spaces are re-tokenized like the runner expects', async () => {
    const step = scriptStep(job.work, '')
    step.entryPoint = 'sh'
    step.entryPointArgs = ['-c', '"echo', 'one', 'two"']
    const run = expectSuccess(await runHook('run_script_step', step, state, job.work))
    expect(run.stdout).toContain('one two')
  })

  test('cleanup_job prints service logs, removes everything, and is idempotent', async () => {
    const run = expectSuccess(await runHook('cleanup_job', {}, state, job.work))
    expect(run.stdout).toContain('::group::Logs of service service')
    expect(run.stdout).toContain('container-hooks-test service: starting on port 8080')
    expect(run.stdout).not.toContain('Logs of service externals')
    // The exit-3 step above marked the job pod: the job container's logs are shown too.
    expect(run.stdout).toContain('::group::Logs of the job container')
    await expectNothingLeft(job.c)
    expect((await runHook('cleanup_job', {}, state, job.work)).code).toBe(0)
    expect((await runHook('cleanup_job', {}, null, job.work)).code).toBe(0)
  })
})
