/**
 * The engine calls around a step's exec: create, inspect, and stop every process of the step
 * (found by its marker variable) with SIGTERM, then SIGKILL.
 */
import { HookError, type HookContext, type Logger } from '@container-hooks/hooklib'
import type { DockerHookConfig } from '../config'
import { JOB_CONTAINER_REMOVED } from '../specs/container-fate'
import { killExecCommand, type ExecOptions } from '../specs/exec-spec'
import { statusOf } from './engine'
import { engineCall } from './engine-api'
import { sleep } from './sleep'

const STOP_POLL_MS = 100
const TERM_GRACE_MS = 3000

export interface ExecTarget {
  config: DockerHookConfig
  containerId: string
}

/** The step's exec: its body, the marker its processes carry, whether it runs under the wrapper. */
export interface ScriptExec {
  options: ExecOptions
  marker: string
  wrapped: boolean
  /** Where the step's output goes (the hook context's stdout and stderr). */
  output: StepOutput
}

type StepOutput = Pick<HookContext, 'stdout' | 'stderr'>

export interface ExecState {
  Running: boolean
  ExitCode: number | null
}

export async function createExec(target: ExecTarget, options: ExecOptions): Promise<string> {
  const created = await engineCall<{ Id: string }>(target.config, {
    method: 'POST',
    path: `/containers/${encodeURIComponent(target.containerId)}/exec`,
    body: options
  })
  return created.Id
}

/** The engine forgets an exec with its container: a 404 means the job container was removed. */
export async function inspectExec(config: DockerHookConfig, execId: string): Promise<ExecState> {
  try {
    return await engineCall<ExecState>(config, { method: 'GET', path: `/exec/${execId}/json` })
  } catch (err) {
    if (statusOf(err) === 404) throw new HookError(JOB_CONTAINER_REMOVED, 1, { cause: err })
    throw err
  }
}

/** Runs `cmd` in the job container without waiting for it or its output; resolves its id. */
export async function execDetached(target: ExecTarget, cmd: string[]): Promise<string> {
  const id = await createExec(target, { Cmd: cmd, AttachStdout: false, AttachStderr: false })
  await engineCall(target.config, {
    method: 'POST',
    path: `/exec/${id}/start`,
    body: { Detach: true }
  })
  return id
}

async function signalStep(
  target: ExecTarget,
  marker: string,
  signal: 'TERM' | 'KILL'
): Promise<void> {
  await execDetached(target, killExecCommand(marker, signal))
}

async function isRunning(config: DockerHookConfig, execId: string): Promise<boolean> {
  return (await inspectExec(config, execId)).Running
}

/** SIGTERM, then SIGKILL after a grace period: well inside the runner's 7.5 s window. */
export async function stopStep(
  target: ExecTarget,
  execId: string,
  marker: string,
  log: Logger
): Promise<void> {
  log.info('Stopping the step in the job container')
  await signalStep(target, marker, 'TERM')
  const until = Date.now() + TERM_GRACE_MS
  while (Date.now() < until && (await isRunning(target.config, execId))) await sleep(STOP_POLL_MS)
  if (await isRunning(target.config, execId)) await signalStep(target, marker, 'KILL')
}
