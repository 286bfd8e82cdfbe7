/**
 * scripts/lib/detach, through which the set-up scripts start dockerd, the registry and the
 * Kubernetes daemons: a lock held by whoever ran the script (the documented
 * `flock /tmp/hooks-cluster-tests.lock … scripts/k8s/up`) must not live on in a daemon, or the
 * cluster tests wait for it forever.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const detach = join(__dirname, '../../../scripts/lib/detach')

/**
 * The descriptors a daemon started in the background by a shell that holds a flock sees. The
 * daemon lists its own descriptors (through an `ls` child, whose own listing would include the
 * directory it reads): read from outside, a just-exec'd process can still show the descriptors
 * its exec is about to close.
 */
function descriptorsOfDaemon(prefix: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'detach-'))
  const listing = join(dir, 'fds')
  const script = [
    `exec 7>"${join(dir, 'held.lock')}"; flock 7`,
    `"$@" sh -c 'ls /proc/$$/fd; exit 0' </dev/null >"${listing}" 2>/dev/null & wait $!`
  ].join('\n')
  try {
    execFileSync('bash', ['-c', script, 'bash', ...prefix])
    return readFileSync(listing, 'utf8').split('\n').filter(Boolean).sort()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('scripts/lib/detach', () => {
  it('leaves the daemon only stdin, stdout and stderr: no lock of its caller', () => {
    expect(descriptorsOfDaemon([detach])).toEqual(['0', '1', '2'])
  })

  it('is needed: without it the daemon keeps the caller lock open', () => {
    expect(descriptorsOfDaemon([])).toContain('7')
  })
})
