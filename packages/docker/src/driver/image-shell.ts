/**
 * Whether the job container has /bin/sh, read through the archive API (no exec, works on a
 * created container): script steps run under a small sh wrapper that keeps their exit status in
 * the container (exec-spec.ts), and run directly, as before, where there is no sh.
 */
import type Docker from 'dockerode'
import { ignoreMissing } from './engine'

export async function hasShell(container: Docker.Container): Promise<boolean> {
  // HEAD on the archive: the path's stat, 404 when missing. A symlink (busybox) counts.
  return (await ignoreMissing(container.infoArchive({ path: '/bin/sh' }))) !== undefined
}
