// Health options (`--health-cmd` …) of services and the job container as startup probes, on the
// real local cluster under the minimal Role: prepare_job waits for them, and fails with the
// container's last health-check output and logs when one is unhealthy or too slow.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/service-health.test.ts
import type { PrepareJobResponse } from '@container-hooks/hooklib'
import { busybox } from '../helpers/containers'
import { expectSuccess, jobContainer, prepareWithServices, runHook, runStep } from '../helpers/hook'
import { cleanUpAfterEach, expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const SERVICE = 'container-hooks-test/service:1'
const UNHEALTHY = 'container-hooks-test/unhealthy:1'
const job = useClusterJob()

cleanUpAfterEach(job)

/** Split on single spaces, as the runner sends entryPointArgs. */
const runnerArgs = (line: string): string[] => line.split(' ')

const errorLines = (stdout: string): string[] =>
  stdout.split('\n').filter(line => line.startsWith('::error::'))

test('prepare_job waits for a service that turns healthy after a delay; a step then reaches it', async () => {
  const started = Date.now()
  const run = expectSuccess(
    await runHook(
      'prepare_job',
      {
        container: jobContainer(job.work, { createOptions: '--health-cmd "test -d /__w"' }),
        services: [
          busybox({
            image: SERVICE,
            // Serves nothing for 4 s: a step run without waiting would be refused.
            entryPoint: 'sh',
            entryPointArgs: runnerArgs('-c "sleep 4; exec httpd -f -p 8080 -h /www"'),
            createOptions:
              '--health-cmd "wget -q -O /dev/null http://127.0.0.1:8080/" --health-interval 1s --health-retries 30'
          })
        ]
      },
      null,
      job.work
    )
  )
  expect(Date.now() - started).toBeGreaterThan(4000)
  expect(run.stdout).toContain(`Waiting for the service "service" (${SERVICE}) to be healthy`)
  expect(run.stdout).toMatch(/The service "service" \(\S+\) is healthy after \d+\.\ds/)
  expect(run.stdout).toMatch(/The job container \(\S+\) is healthy after/)
  const state = (run.response as PrepareJobResponse).state!
  const pod = await readPod(job.c, state.pod as string)
  expect(pod.spec!.restartPolicy).toBe('Never')
  expect(pod.spec!.containers[1].startupProbe).toMatchObject({
    exec: { command: ['/bin/sh', '-c', 'wget -q -O /dev/null http://127.0.0.1:8080/'] },
    periodSeconds: 1,
    failureThreshold: 30
  })
  const step = await runStep(job.work, 'wget -q -O - http://service:8080/', state)
  expect(step.stdout).toContain('container-hooks-test service')
})

test('an unhealthy service fails prepare_job with its health output and logs, leaving nothing', async () => {
  const started = Date.now()
  const run = await prepareWithServices(job.work, [
    busybox({
      image: UNHEALTHY,
      createOptions:
        '--health-cmd "echo \'container-hooks-test unhealthy: failing on purpose\'; exit 1" --health-interval 1s --health-retries 2'
    })
  ])
  expect(run.code).toBe(1)
  expect(Date.now() - started).toBeLessThan(30_000)
  expect(errorLines(run.stdout)).toEqual([
    `::error::The service "unhealthy" (${UNHEALTHY}) is unhealthy. Last health check output: container-hooks-test unhealthy: failing on purpose`
  ])
  expect(run.stdout).toContain(`Recent logs of the service "unhealthy" (${UNHEALTHY}):`)
  expect(run.stdout).toContain('container-hooks-test unhealthy: started')
  await expectNothingLeft(job.c)
})

test('a service not healthy within ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS fails naming it', async () => {
  const started = Date.now()
  const run = await runHook(
    'prepare_job',
    {
      container: null,
      services: [
        busybox({
          image: UNHEALTHY,
          createOptions: '--health-cmd "echo still starting; exit 1" --health-retries 1000'
        })
      ]
    },
    null,
    job.work,
    { ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS: '8' }
  )
  expect(run.code).toBe(1)
  expect(Date.now() - started).toBeLessThan(25_000)
  expect(errorLines(run.stdout)).toEqual([
    expect.stringMatching(
      /^::error::The service "unhealthy" \(\S+\) was not healthy after \d+s \(ACTIONS_RUNNER_PREPARE_JOB_TIMEOUT_SECONDS\)\. Last health check output: still starting$/
    )
  ])
  expect(run.stdout).toContain('container-hooks-test unhealthy: started')
  await expectNothingLeft(job.c)
})
