// The workflow's `volumes:` on the real local cluster, in both storage modes: a folder of the
// runner's _work (read-only), a named volume shared with a service, an anonymous volume, and a
// runner path the pod cannot see (one warning, no mount).
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/user-volumes.test.ts
import type { MountVolume } from '@container-hooks/hooklib'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { busybox } from '../helpers/containers'
import {
  expectSuccess,
  jobContainer,
  runHook,
  scriptStep,
  workLayout,
  type Work
} from '../helpers/hook'
import { expectNothingLeft, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const job = useClusterJob()

function vol(source: string | null, target: string, readOnly = false): MountVolume {
  return {
    userProvidedValue: source === null ? target : `${source}:${target}`,
    sourceVolumePath: source,
    targetVolumePath: target,
    readOnly
  }
}

describe.each([
  ['volume', () => job.work, {}],
  [
    'copy',
    () => workLayout(mkdtempSync(join(tmpdir(), 'user-volumes-'))),
    { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy' }
  ]
])('%s mode', (_mode, makeWork: () => Work, env: Record<string, string>) => {
  test('volumes inside _work, named, anonymous; other runner paths warned about', async () => {
    const work = makeWork()
    mkdirSync(join(work.repo, 'data'), { recursive: true })
    writeFileSync(join(work.repo, 'data/in.txt'), 'from the runner\n')
    const args = {
      container: jobContainer(work, {
        userMountVolumes: [
          vol(join(work.repo, 'data'), '/data', true),
          vol('shared', '/shared'),
          vol(null, '/anon'),
          vol('/etc', '/host-etc')
        ]
      }),
      services: [
        busybox({
          entryPoint: 'sh',
          entryPointArgs: [
            '-c',
            '"echo',
            'service-wrote',
            '>',
            '/from-job/s.txt;',
            'exec',
            'sleep',
            '600"'
          ],
          userMountVolumes: [vol('shared', '/from-job')]
        })
      ]
    }
    const prepared = expectSuccess(await runHook('prepare_job', args, null, work, env))
    const warnings = prepared.stdout.split('\n').filter(l => l.startsWith('::warning::'))
    expect(warnings).toEqual([
      expect.stringContaining('volumes: /etc:/host-etc of the job container is not mounted')
    ])
    const state = (prepared.response as { state: Record<string, unknown> }).state
    const step = expectSuccess(
      await runHook(
        'run_script_step',
        scriptStep(
          work,
          [
            'cat /data/in.txt',
            'touch /data/new 2>/dev/null && echo data-writable || echo data-read-only',
            'test -d /anon && touch /anon/x && echo anon-ok',
            'for i in $(seq 1 40); do [ -f /shared/s.txt ] && break; sleep 0.25; done',
            'cat /shared/s.txt',
            '[ -e /host-etc ] || echo no-host-etc'
          ].join('\n')
        ),
        state,
        work,
        env
      )
    )
    expect(step.stdout).toContain('from the runner')
    expect(step.stdout).toContain('data-read-only')
    expect(step.stdout).toContain('anon-ok')
    expect(step.stdout).toContain('service-wrote')
    expect(step.stdout).toContain('no-host-etc')
    expectSuccess(await runHook('cleanup_job', {}, state, work, env))
    await expectNothingLeft(job.c)
  })
})
