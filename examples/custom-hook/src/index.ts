/**
 * A tiny container hook that runs script steps directly on the runner host: it maps the job
 * container's paths (/__w, /__e, /github/home, /github/workflow) back to the host directories the
 * runner mounted there. Bundle it with `node scripts/bundle.mjs examples/custom-hook` and point
 * ACTIONS_RUNNER_CONTAINER_HOOKS (or the emulator's --hook) at examples/custom-hook/dist/index.js.
 */
import { spawn } from 'node:child_process'
import {
  ConfigError,
  hookMain,
  StepFailedError,
  type HookContext,
  type HookState,
  type MountVolume,
  type PrepareJobArgs,
  type PrepareJobResponse,
  type ScriptStepArgs
} from '@container-hooks/hooklib'

/** Container path → host path, longest container path first. */
type PathMap = Array<[string, string]>

function pathMapFrom(mounts: MountVolume[]): PathMap {
  return mounts
    .filter(m => m.sourceVolumePath && m.targetVolumePath.startsWith('/'))
    .map((m): [string, string] => [m.targetVolumePath, m.sourceVolumePath as string])
    .sort((a, b) => b[0].length - a[0].length)
}

function toHost(map: PathMap, value: string): string {
  for (const [container, host] of map) {
    if (value === container || value.startsWith(container + '/'))
      return host + value.slice(container.length)
  }
  return value
}

/** Paths inside env values and args (`GITHUB_OUTPUT=/__w/_temp/…`) are mapped too. */
function mapText(map: PathMap, text: string): string {
  return text.replace(
    /(^|[\s:=])(\/[^\s:]*)/g,
    (_all, lead: string, path: string) => lead + toHost(map, path)
  )
}

function savedMap(state: HookState | null): PathMap {
  const map = state?.paths
  if (!Array.isArray(map))
    throw new ConfigError(
      'No path map in the state: prepare_job did not run (this hook needs a job container)'
    )
  return map as PathMap
}

function prepareJob(args: PrepareJobArgs): Promise<PrepareJobResponse> {
  if (!args.container)
    throw new ConfigError(
      "This hook runs a job container's steps on the host: the job needs `container:`"
    )
  if (args.services.length > 0)
    throw new ConfigError('This hook cannot run services: remove `services:` from the job')
  return Promise.resolve({
    state: { paths: pathMapFrom(args.container.systemMountVolumes), image: args.container.image },
    context: { container: { id: 'host' } },
    isAlpine: false
  })
}

async function runScriptStep(args: ScriptStepArgs, ctx: HookContext) {
  const map = savedMap(ctx.state)
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(args.environmentVariables)) env[k] = mapText(map, v)
  env.PATH = [...args.prependPath.map(p => toHost(map, p)), process.env.PATH ?? ''].join(':')
  const child = spawn(
    toHost(map, args.entryPoint),
    args.entryPointArgs.map(a => toHost(map, a)),
    {
      cwd: toHost(map, args.workingDirectory),
      env,
      stdio: ['ignore', 'inherit', 'inherit']
    }
  )
  const stop = (): void => void child.kill('SIGTERM')
  ctx.signal.addEventListener('abort', stop)
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)))
  })
  ctx.signal.removeEventListener('abort', stop)
  ctx.signal.throwIfAborted()
  if (code !== 0) throw new StepFailedError(code)
  return { state: { ...ctx.state, steps: Number(ctx.state?.steps ?? 0) + 1 } }
}

hookMain({
  prepareJob,
  runScriptStep,
  cleanupJob: () => Promise.resolve(),
  runContainerStep: () =>
    Promise.reject(
      new ConfigError(
        'This hook runs no containers: container actions (uses: docker://…, Dockerfile actions) need the docker or k8s hook'
      )
    )
})
