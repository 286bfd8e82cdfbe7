/** Names of the objects the hook creates, derived from a per-job id. */
import { createHash, randomBytes } from 'node:crypto'

export function newJobId(): string {
  return randomBytes(6).toString('hex')
}

/** For steps without a prepare_job (state null): stable per runner, so pre/main/post share a build. */
export function runnerJobId(runnerName: string): string {
  return createHash('sha256').update(runnerName).digest('hex').slice(0, 12)
}

export function networkName(jobId: string): string {
  return `ch-${jobId}`
}

export function jobContainerName(jobId: string): string {
  return `ch-${jobId}-job`
}

export function serviceContainerName(jobId: string, alias: string): string {
  return `ch-${jobId}-${alias}`
}

export function stepContainerName(jobId: string): string {
  return `ch-${jobId}-step-${randomBytes(3).toString('hex')}`
}

/** One repository per Dockerfile, one tag per job: pre/main/post of an action share it. */
export function buildTag(dockerfile: string, jobId: string): string {
  const hash = createHash('sha256').update(dockerfile).digest('hex').slice(0, 16)
  return `container-hooks-build/${hash}:${jobId}`
}

/** `redis` pulls every tag of a repository; the docker CLI means `redis:latest`. */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image
  const lastSegment = image.slice(image.lastIndexOf('/') + 1)
  return lastSegment.includes(':') ? image : `${image}:latest`
}
