// Access to the local test cluster (scripts/k8s/up) as the minimal-Role "hook" account, for
// tests that need a real Kubernetes. Missing env or an unreachable cluster is an error, never a
// reason to skip: eval "$(scripts/k8s/env)" first.
import * as k8s from '@kubernetes/client-node'
import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'

export interface ClusterEnv {
  kubeconfigPath: string
  namespace: string
  runnerPod: string
  claimName: string
  workDir: string
  nodeName: string
}

function required(name: string): string {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: run scripts/k8s/up, then eval "$(scripts/k8s/env)"`)
  }
  return value
}

export function clusterEnv(): ClusterEnv {
  return {
    kubeconfigPath: required('KUBECONFIG'),
    namespace: required('ACTIONS_RUNNER_KUBERNETES_NAMESPACE'),
    runnerPod: required('ACTIONS_RUNNER_POD_NAME'),
    claimName: required('ACTIONS_RUNNER_CLAIM_NAME'),
    workDir: required('HOOKS_K8S_WORK_DIR'),
    nodeName: required('HOOKS_K8S_NODE_NAME')
  }
}

export function kubeConfig(env: ClusterEnv): k8s.KubeConfig {
  const kc = new k8s.KubeConfig()
  kc.loadFromFile(env.kubeconfigPath)
  return kc
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`
}

export { waitFor } from './wait'

export function podSummary(pod: k8s.V1Pod): string {
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? [])
  ]
  return JSON.stringify({
    phase: pod.status?.phase,
    conditions: pod.status?.conditions?.map(
      c => `${c.type}=${c.status}${c.reason ? `(${c.reason})` : ''}`
    ),
    containers: statuses.map(s => ({ name: s.name, state: s.state }))
  })
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

function collect(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk))
      callback()
    }
  })
}

// The exit code comes back as a V1Status on the exec stream's error channel: Success, or
// Failure with reason NonZeroExitCode and the code in details.causes[ExitCode].
export function exitCodeOf(status: k8s.V1Status): number {
  if (status.status === 'Success') return 0
  const cause = status.details?.causes?.find(c => c.reason === 'ExitCode')
  if (status.reason === 'NonZeroExitCode' && cause?.message) return Number(cause.message)
  throw new Error(`exec failed: ${JSON.stringify(status)}`)
}

export function execInPod(
  kc: k8s.KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  command: string[],
  timeoutMs = 60_000
): Promise<ExecResult> {
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  return new Promise<ExecResult>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`exec ${command.join(' ')} timed out`)),
      timeoutMs
    )
    new k8s.Exec(kc)
      .exec(
        namespace,
        pod,
        container,
        command,
        collect(stdout),
        collect(stderr),
        null,
        false,
        status => {
          clearTimeout(timer)
          try {
            resolve({
              exitCode: exitCodeOf(status),
              stdout: Buffer.concat(stdout).toString(),
              stderr: Buffer.concat(stderr).toString()
            })
          } catch (error) {
            reject(asError(error))
          }
        }
      )
      .catch((error: unknown) => {
        clearTimeout(timer)
        reject(asError(error))
      })
  })
}
