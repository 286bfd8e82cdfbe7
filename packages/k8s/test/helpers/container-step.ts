/** run_container_step input as the runner sends it (docs/protocol.md), and what it leaves on the host. */
import type { ContainerStepArgs, HookContainer, MountVolume } from '@container-hooks/hooklib'
import * as k8s from '@kubernetes/client-node'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LABEL_ROLE } from '../../src/specs/labels'
import { runnerSelector } from '../../src/specs/labels'
import { waitFor } from '../support/cluster'
import { busybox } from './containers'
import type { Work } from './hook'
import type { Cluster } from './pods'

const FILE_COMMANDS = ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE'] as const

export function containerStepMounts(work: Work): MountVolume[] {
  const m = (source: string, target: string): MountVolume => ({
    userProvidedValue: null,
    sourceVolumePath: source,
    targetVolumePath: target,
    readOnly: false
  })
  return [
    m('/var/run/docker.sock', '/var/run/docker.sock'),
    m(work.temp, '/github/runner_temp'),
    m(join(work.temp, '_github_home'), '/github/home'),
    m(join(work.temp, '_github_workflow'), '/github/workflow'),
    m(work.fileCommands, '/github/file_commands'),
    m(work.repo, '/github/workspace')
  ]
}

/** A `uses: docker://…` step (busybox unless overridden) with fresh file-command files. */
export function containerStep(
  work: Work,
  overrides: Partial<HookContainer> = {},
  env: Record<string, string> = {}
): ContainerStepArgs {
  const id = randomBytes(4).toString('hex')
  const files: Record<string, string> = {}
  for (const name of FILE_COMMANDS) {
    const file = `${name.toLowerCase()}_${id}`
    writeFileSync(join(work.fileCommands, file), '')
    files[name] = `/github/file_commands/${file}`
  }
  return busybox({
    workingDirectory: '/github/workspace',
    environmentVariables: {
      ...files,
      GITHUB_WORKSPACE: '/github/workspace',
      HOME: '/github/home',
      ...env
    },
    systemMountVolumes: containerStepMounts(work),
    ...overrides
  })
}

/** A file command's content as the runner reads it after the step: on the host. */
export function stepFileCommand(
  work: Work,
  step: ContainerStepArgs,
  name: (typeof FILE_COMMANDS)[number]
): string {
  const file = step.environmentVariables[name].replace('/github/file_commands/', '')
  return readFileSync(join(work.fileCommands, file), 'utf8')
}

/** The step pods and env Secrets of this runner. */
export async function stepObjects(c: Cluster): Promise<{ pods: k8s.V1Pod[]; secrets: string[] }> {
  const base = runnerSelector(c.env.runnerPod)
  const [pods, secrets] = await Promise.all([
    c.core.listNamespacedPod({
      namespace: c.env.namespace,
      labelSelector: `${base},${LABEL_ROLE}=step`
    }),
    c.core.listNamespacedSecret({
      namespace: c.env.namespace,
      labelSelector: `${base},${LABEL_ROLE}=step-env`
    })
  ])
  return { pods: pods.items, secrets: secrets.items.map(s => s.metadata!.name!) }
}

/**
 * The hook deleted its step pod and Secret before it exited (a pod still terminating has a
 * deletionTimestamp); then waits until the pod is gone, which takes a while on a loaded node.
 */
export async function expectNoStepLeft(c: Cluster): Promise<void> {
  const now = await stepObjects(c)
  expect(now.secrets).toEqual([])
  expect(now.pods.filter(p => !p.metadata?.deletionTimestamp).map(p => p.metadata!.name)).toEqual(
    []
  )
  await waitFor(
    'the step pods to be gone',
    60_000,
    async () => ((await stepObjects(c)).pods.length === 0 ? true : undefined),
    async () => JSON.stringify((await stepObjects(c)).pods.map(p => p.metadata!.name))
  )
}
