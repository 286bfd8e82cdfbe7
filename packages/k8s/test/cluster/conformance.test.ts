// Generic conformance jobs (examples/jobs) through the runner emulator and the k8s bundle under
// Node 24, in both storage modes, on the real cluster as the minimal-Role account. hello and
// js-action run the real Node 24 at /__e, seeded from the runner pod's image
// (container-hooks-test/runner:1, built by scripts/images/build).
// Not listed (not supported here yet, see docs/k8s.md): jobs with container steps
// (container-step, dockerfile-action, no-container, quoted-args, service-only) and health checks
// (unhealthy-service).
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/conformance.test.ts
import { runConformanceJob } from '@container-hooks/hooklib/emulator'
import { join, resolve } from 'node:path'
import { BUNDLE, NODE24 } from '../helpers/hook'
import { expectNothingLeft, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const REPO = resolve(__dirname, '../../../..')
const JOBS = [
  'hello',
  'js-action',
  'composite-action',
  'outputs',
  'exit-code',
  'services',
  'cancel'
]
const job = useClusterJob()

describe.each([
  ['volume', {}],
  ['copy', { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy' }]
])('%s mode', (mode, env) => {
  test.each(JOBS)('examples/jobs/%s.yaml', async name => {
    let log = ''
    const outcome = await runConformanceJob(join(REPO, 'examples/jobs', `${name}.yaml`), {
      hook: BUNDLE,
      node: NODE24,
      env,
      // Volume mode: the runner's _work must be the claim's folder, which the pods mount.
      ...(mode === 'volume' ? { workDir: job.work.root } : {}),
      write: text => (log += text)
    })
    if (outcome.problems.length > 0)
      throw new Error(`${outcome.problems.join('\n')}\n--- job log ---\n${log}`)
    await expectNothingLeft(job.c)
  })
})
