// Copy mode on the real local cluster: the runner's _work (a plain host folder here, not the
// claim) reaches the job pod as tar streams, and what steps change comes back to the host.
// Run: eval "$(scripts/k8s/env)"; cd packages/k8s && npx jest test/cluster/copy-mode.test.ts
import type { HookState } from '@container-hooks/hooklib'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  expectSuccess,
  fileCommand,
  prepareJob,
  runHook,
  runStep,
  scriptStep
} from '../helpers/hook'
import { LABEL_RUNNER } from '../../src/specs/labels'
import { expectNothingLeft, readPod, useClusterJob } from '../helpers/pods'

jest.setTimeout(180_000)

const COPY = { ACTIONS_RUNNER_CONTAINER_HOOKS_K8S_STORAGE: 'copy', RUNNER_DEBUG: '1' }
let state: HookState

const job = useClusterJob(() => mkdtempSync(join(tmpdir(), 'copy-work-')))

describe('copy mode', () => {
  test('prepare_job copies _work in, keeping modes, symlinks and empty dirs', async () => {
    writeFileSync(join(job.work.repo, 'tool.sh'), '#!/bin/sh\necho tool ran\n')
    chmodSync(join(job.work.repo, 'tool.sh'), 0o755)
    symlinkSync('tool.sh', join(job.work.repo, 'link-to-tool'))
    mkdirSync(join(job.work.repo, 'empty-dir'))
    mkdirSync(join(job.work.root, '_actions/owner/action/v1'), { recursive: true })
    writeFileSync(join(job.work.root, '_actions/owner/action/v1/action.yml'), 'name: x\n')
    const run = await prepareJob(job.work, {}, COPY)
    state = run.state!
    expect(state.storage).toBe('copy')
    const pod = await readPod(job.c, state.pod as string)
    expect(pod.spec!.volumes![0].emptyDir).toBeDefined()
    const step = expectSuccess(
      await runHook(
        'run_script_step',
        scriptStep(
          job.work,
          './link-to-tool; [ -d empty-dir ] && echo empty-dir-ok; [ -L link-to-tool ] && echo link-ok; cat /__w/_actions/owner/action/v1/action.yml'
        ),
        state,
        job.work,
        COPY
      )
    )
    expect(step.stdout).toContain('tool ran')
    expect(step.stdout).toContain('empty-dir-ok')
    expect(step.stdout).toContain('link-ok')
    expect(step.stdout).toContain('name: x')
  })

  test('file commands and workspace changes come back to the host after the step', async () => {
    const step = scriptStep(
      job.work,
      [
        'echo "answer=42" >> "$GITHUB_OUTPUT"',
        'echo "FOO=bar" >> "$GITHUB_ENV"',
        'echo "/opt/tools" >> "$GITHUB_PATH"',
        'mkdir -p .github/actions/hello sub/empty',
        'printf "runs:\\n  using: composite\\n" > .github/actions/hello/action.yml',
        'printf "#!/bin/sh\\n" > made.sh && chmod 750 made.sh && ln -s made.sh made-link'
      ].join('\n')
    )
    expectSuccess(await runHook('run_script_step', step, state, job.work, COPY))
    expect(fileCommand(job.work, step, 'GITHUB_OUTPUT')).toBe('answer=42\n')
    expect(fileCommand(job.work, step, 'GITHUB_ENV')).toBe('FOO=bar\n')
    expect(fileCommand(job.work, step, 'GITHUB_PATH')).toBe('/opt/tools\n')
    // A local composite action (`uses: ./.github/actions/hello`) is read by the runner on the host.
    expect(readFileSync(join(job.work.repo, '.github/actions/hello/action.yml'), 'utf8')).toContain(
      'using: composite'
    )
    expect(lstatSync(join(job.work.repo, 'made.sh')).mode & 0o777).toBe(0o750)
    expect(readlinkSync(join(job.work.repo, 'made-link'))).toBe('made.sh')
    expect(existsSync(join(job.work.repo, 'sub/empty'))).toBe(true)
  })

  test('a later step sees host changes; an unchanged workspace sends only the new script', async () => {
    writeFileSync(join(job.work.repo, 'from-host-later.txt'), 'later\n')
    const step = expectSuccess(
      await runHook(
        'run_script_step',
        scriptStep(job.work, 'cat from-host-later.txt'),
        state,
        job.work,
        COPY
      )
    )
    expect(step.stdout).toContain('later')
    const quiet = expectSuccess(
      await runHook('run_script_step', scriptStep(job.work, 'true'), state, job.work, COPY)
    )
    // The new script, its five file-command files and the response file; nothing else changed.
    expect(quiet.stdout).toMatch(/Copied 7 changed entries into the pod/)
    expect(quiet.stdout).toMatch(/Copied 0 changed entries out of the pod/)
  })

  test('a host rewrite of the same size in the same second reaches the next step', async () => {
    const file = join(job.work.repo, 'host-version.txt')
    writeFileSync(file, '1.2.3\n')
    const first = await runStep(job.work, 'cat host-version.txt', state, COPY)
    expect(first.stdout).toContain('1.2.3')
    // Right after the step, the same size, and the old mtime put back: only inode/ctime tell.
    const { atime, mtime } = statSync(file)
    writeFileSync(file, '1.2.4\n')
    utimesSync(file, atime, mtime)
    const next = await runStep(job.work, 'cat host-version.txt', state, COPY)
    expect(next.stdout).toContain('1.2.4')
    expect(next.stdout).not.toContain('1.2.3')
  })

  test("a step's same-size rewrite in the same second (sed -i) reaches the host and later steps", async () => {
    writeFileSync(join(job.work.repo, 'version.txt'), '1.2.3\n')
    writeFileSync(join(job.work.repo, 'in-place.txt'), 'aaaa\n')
    // Pushed just before the step, rewritten within the same second, mtime even put back.
    await runStep(
      job.work,
      [
        'cp -p version.txt /tmp/ref',
        'sed -i s/1.2.3/1.2.4/ version.txt',
        'touch -r /tmp/ref version.txt',
        'printf "bbbb\\n" > in-place.txt',
        'touch -r /tmp/ref in-place.txt'
      ].join('\n'),
      state,
      COPY
    )
    expect(readFileSync(join(job.work.repo, 'version.txt'), 'utf8')).toBe('1.2.4\n')
    expect(readFileSync(join(job.work.repo, 'in-place.txt'), 'utf8')).toBe('bbbb\n')
    const next = await runStep(job.work, 'cat version.txt in-place.txt', state, COPY)
    expect(next.stdout).toContain('1.2.4\nbbbb')
  })

  test('deletions propagate both ways and nothing comes back to life', async () => {
    writeFileSync(join(job.work.repo, 'host-deletes-me.txt'), 'x')
    expectSuccess(
      await runHook(
        'run_script_step',
        scriptStep(job.work, 'echo x > pod-deletes-me.txt'),
        state,
        job.work,
        COPY
      )
    )
    rmSync(join(job.work.repo, 'host-deletes-me.txt'))
    const step = scriptStep(job.work, 'ls; rm pod-deletes-me.txt')
    const run = expectSuccess(await runHook('run_script_step', step, state, job.work, COPY))
    expect(run.stdout).not.toContain('host-deletes-me.txt')
    expect(existsSync(join(job.work.repo, 'pod-deletes-me.txt'))).toBe(false)
    const later = expectSuccess(
      await runHook('run_script_step', scriptStep(job.work, 'ls'), state, job.work, COPY)
    )
    expect(later.stdout).not.toContain('deletes-me')
    expect(existsSync(join(job.work.repo, 'host-deletes-me.txt'))).toBe(false)
  })

  test('a failed step still copies its outputs back and keeps its exit code', async () => {
    const step = scriptStep(job.work, 'echo "partial=1" >> "$GITHUB_OUTPUT"; exit 5')
    const run = await runHook('run_script_step', step, state, job.work, COPY)
    expect(run.code).toBe(5)
    expect(fileCommand(job.work, step, 'GITHUB_OUTPUT')).toBe('partial=1\n')
  })
})

describe('copy mode detection', () => {
  const env = (): Record<string, string> => {
    const pod = process.env.HOOKS_K8S_COPY_RUNNER_POD
    if (!pod) throw new Error('HOOKS_K8S_COPY_RUNNER_POD is not set: eval "$(scripts/k8s/env)"')
    // No claim name either: the mode comes from the runner pod alone.
    return { ACTIONS_RUNNER_POD_NAME: pod, ACTIONS_RUNNER_CLAIM_NAME: '' }
  }

  test('a runner pod without a claim gets copy mode, with no variable forcing it', async () => {
    writeFileSync(join(job.work.repo, 'detected.txt'), 'copied in\n')
    const run = await prepareJob(job.work, {}, env())
    expect(run.state.storage).toBe('copy')
    const pod = await readPod(job.c, run.state.pod as string)
    expect(pod.metadata!.labels![LABEL_RUNNER]).toBe(env().ACTIONS_RUNNER_POD_NAME)
    expect(pod.spec!.volumes![0].emptyDir).toBeDefined()
    const step = await runStep(job.work, 'cat detected.txt', run.state, env())
    expect(step.stdout).toContain('copied in')
    expectSuccess(await runHook('cleanup_job', {}, run.state, job.work, env()))
    await expectNothingLeft(job.c, 60_000, env().ACTIONS_RUNNER_POD_NAME)
  })
})
