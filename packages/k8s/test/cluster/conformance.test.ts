// Generic conformance jobs (packages/emulator/jobs) through the runner emulator and the k8s bundle under
// the runner's Node (HOOK_NODE: Node 20, or Node 24), in both storage modes, on the real cluster
// as the minimal-Role account: every job in
// packages/emulator/jobs. hello and js-action run the real
// Node 24 at /__e, seeded from the runner pod's image (container-hooks-test/runner:1, built by
// scripts/images/build); unhealthy-service gets its health check from `options:` (an image's own
// HEALTHCHECK can't be read on Kubernetes); dockerfile-action builds through the Kaniko builder
// and the local registry (the ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_REGISTRY_* and _BUILDER_*
// variables of scripts/k8s/env).
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/conformance.test.ts
import { runConformanceJob } from '@container-hooks/emulator'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { BUNDLE, HOOK_NODE } from '../helpers/hook'
import { expectNothingLeft, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const REPO = resolve(__dirname, '../../../..')
const JOBS = readdirSync(join(REPO, 'packages/emulator/jobs'))
  .filter(f => f.endsWith('.yaml'))
  .map(f => f.replace(/\.yaml$/, ''))
const job = useClusterJob()

describe.each([
  ['volume', {}],
  ['copy', { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy' }]
])('%s mode', (mode, env) => {
  test.each(JOBS)('jobs/%s.yaml', async name => {
    let log = ''
    const outcome = await runConformanceJob(join(REPO, 'packages/emulator/jobs', `${name}.yaml`), {
      hook: BUNDLE,
      node: HOOK_NODE,
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
