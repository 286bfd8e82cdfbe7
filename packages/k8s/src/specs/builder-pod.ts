/**
 * The builder pod of a Dockerfile action: one unprivileged container from a Kaniko executor
 * image (with busybox in /busybox, as Kaniko's -debug images have) that idles until the hook has
 * sent the build context into an emptyDir over exec and runs the executor there, also over exec.
 * The registry secret is Kaniko's docker config: push credentials and base-image pulls.
 */
import type { V1Pod, V1Volume, V1VolumeMount } from '@kubernetes/client-node'
import { KEEP_ALIVE } from './job-pod'

export const BUILDER_CONTAINER = 'builder'
/** The build context inside the builder: an emptyDir, so Kaniko never snapshots it. */
export const CONTEXT_DIR = '/workspace'
export const EXECUTOR = '/kaniko/executor'
const DOCKER_CONFIG_DIR = '/kaniko/.docker'
// Kaniko replaces the container's filesystem with the base image's; busybox must survive it.
const BUSYBOX_DIR = '/busybox'

export interface BuilderPodInput {
  name: string
  labels: Record<string, string>
  image: string
  /** A kubernetes.io/dockerconfigjson secret, mounted as Kaniko's config.json. */
  secret?: string
}

export function builderPodSpec(input: BuilderPodInput): V1Pod {
  const volumes: V1Volume[] = [{ name: 'context', emptyDir: {} }]
  const mounts: V1VolumeMount[] = [{ name: 'context', mountPath: CONTEXT_DIR }]
  if (input.secret !== undefined) {
    volumes.push({
      name: 'docker-config',
      secret: {
        secretName: input.secret,
        items: [{ key: '.dockerconfigjson', path: 'config.json' }]
      }
    })
    mounts.push({ name: 'docker-config', mountPath: DOCKER_CONFIG_DIR, readOnly: true })
  }
  return {
    metadata: { name: input.name, labels: input.labels },
    spec: {
      restartPolicy: 'Never',
      // The build runs the action's RUN instructions: it gets no API credentials.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      containers: [
        {
          name: BUILDER_CONTAINER,
          image: input.image,
          command: KEEP_ALIVE,
          env: [
            { name: 'DOCKER_CONFIG', value: DOCKER_CONFIG_DIR },
            { name: 'PATH', value: `/usr/local/bin:/kaniko:${BUSYBOX_DIR}` }
          ],
          volumeMounts: mounts,
          // Kaniko runs as root inside its container but needs no privilege beyond that.
          securityContext: { privileged: false }
        }
      ],
      volumes
    }
  }
}

export interface ExecutorInput {
  /** The Dockerfile's name inside the context. */
  dockerfile: string
  destination: string
  /** Registry to reach over plain HTTP (push, and base images when it is also the mirror). */
  insecureRegistry?: string
  extraArgs: string[]
}

/** The executor's command line (no secrets: credentials come from the mounted config). */
export function executorCommand(input: ExecutorInput): string[] {
  return [
    EXECUTOR,
    `--context=dir://${CONTEXT_DIR}`,
    `--dockerfile=${CONTEXT_DIR}/${input.dockerfile}`,
    `--destination=${input.destination}`,
    `--ignore-path=${BUSYBOX_DIR}`,
    ...(input.insecureRegistry === undefined
      ? []
      : [`--insecure-registry=${input.insecureRegistry}`]),
    ...input.extraArgs
  ]
}
