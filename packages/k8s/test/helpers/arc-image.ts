/**
 * Builds the ARC end-to-end test's runner image the way docs/arc.md tells an admin to: exactly
 * examples/runner-image/Dockerfile, with the bundles as its context, FROM a local stand-in for the
 * official runner image (test/arc/runner-like.Dockerfile: the runner's user, externals and GNU tar,
 * plus the emulator and the conformance jobs); then imports it into the node's containerd.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { ARC_RUNNER_IMAGE } from './arc-objects'

const REPO = resolve(__dirname, '../../../..')
const RUNNER_LIKE_IMAGE = 'container-hooks-test/arc-runner-like:e2e'

// Quiet unless it fails (docker's own deprecation notices); then the error carries its stderr.
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  try {
    execFileSync(command, args, { cwd: REPO, env, stdio: 'pipe' })
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`${command} ${args.join(' ')} failed: ${(err as Error).message}\n${stderr}`)
  }
}

function bundle(pkg: string): string {
  const dir = join(REPO, 'packages', pkg)
  run(process.execPath, [join(REPO, 'scripts/bundle.mjs'), dir])
  return join(dir, 'dist/index.js')
}

// The emulator CLI as one file, so the runner-like image needs no node_modules.
function bundleEmulator(outfile: string): void {
  run(join(REPO, 'node_modules/.bin/esbuild'), [
    join(REPO, 'packages/emulator/src/cli.ts'),
    '--bundle',
    '--platform=node',
    '--target=node20',
    '--format=cjs',
    '--log-level=warning',
    `--outfile=${outfile}`
  ])
}

// The official image (Ubuntu) has GNU tar, which copy mode runs on the runner side; busybox's
// lacks its flags. The host's tar and the libraries it links go into the stand-in.
function addGnuTar(rootfs: string): void {
  const tar = '/bin/tar'
  const libs = execFileSync('ldd', [tar], { encoding: 'utf8' }).match(/\/\S+/g) ?? []
  for (const file of libs) {
    mkdirSync(join(rootfs, dirname(file)), { recursive: true })
    copyFileSync(file, join(rootfs, file))
  }
  mkdirSync(join(rootfs, 'usr/bin'), { recursive: true })
  copyFileSync(tar, join(rootfs, 'usr/bin/tar'))
}

function dockerBuild(dockerfile: string, tag: string, context: string, args: string[] = []): void {
  // Debian's 20.10 client has no buildx: the legacy builder, as scripts/images/build uses.
  run('docker', ['build', '-q', '-f', dockerfile, '-t', tag, ...args, context], {
    ...process.env,
    DOCKER_BUILDKIT: '0'
  })
}

/** Builds ARC_RUNNER_IMAGE from the current sources and imports it into the cluster. */
export function buildArcRunnerImage(): void {
  const ctx = mkdtempSync(join(tmpdir(), 'arc-image-'))
  try {
    const jobs = join(ctx, 'runner-like/emulator/jobs')
    mkdirSync(jobs, { recursive: true })
    bundleEmulator(join(ctx, 'runner-like/emulator/cli.js'))
    addGnuTar(join(ctx, 'runner-like/rootfs'))
    for (const file of readdirSync(join(REPO, 'packages/emulator/jobs'))) {
      cpSync(join(REPO, 'packages/emulator/jobs', file), join(jobs, file), { recursive: true })
    }
    dockerBuild(
      join(REPO, 'packages/k8s/test/arc/runner-like.Dockerfile'),
      RUNNER_LIKE_IMAGE,
      join(ctx, 'runner-like')
    )
    for (const pkg of ['k8s', 'docker']) {
      mkdirSync(join(ctx, 'image', pkg), { recursive: true })
      copyFileSync(bundle(pkg), join(ctx, 'image', pkg, 'index.js'))
    }
    dockerBuild(
      join(REPO, 'examples/runner-image/Dockerfile'),
      ARC_RUNNER_IMAGE,
      join(ctx, 'image'),
      ['--build-arg', `RUNNER_IMAGE=${RUNNER_LIKE_IMAGE}`]
    )
    run(join(REPO, 'scripts/k8s/import-image'), [ARC_RUNNER_IMAGE])
  } finally {
    rmSync(ctx, { recursive: true, force: true })
  }
}
