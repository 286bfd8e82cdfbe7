import type { StepFileNames } from './file-commands'
import type { StepPaths } from './paths'

export interface JobIdentity {
  repository: string
  jobName: string
  runnerName: string
}

/** The runner's GITHUB_* / RUNNER_* variables of a job, with the paths as seen at `paths`. */
export function githubEnv(job: JobIdentity, paths: StepPaths): Record<string, string> {
  const env: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: job.repository,
    GITHUB_REPOSITORY_OWNER: job.repository.split('/')[0],
    GITHUB_JOB: job.jobName,
    GITHUB_WORKFLOW: 'emulator',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'emulator',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: paths.workspace,
    GITHUB_EVENT_PATH: `${paths.workflow}/event.json`,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: job.runnerName,
    RUNNER_TEMP: paths.temp
  }
  if (paths.runnerWorkspace) env.RUNNER_WORKSPACE = paths.runnerWorkspace
  if (paths.toolCache) env.RUNNER_TOOL_CACHE = paths.toolCache
  return env
}

export function fileCommandEnv(paths: StepPaths, names: StepFileNames): Record<string, string> {
  return {
    GITHUB_OUTPUT: `${paths.fileCommands}/${names.output}`,
    GITHUB_ENV: `${paths.fileCommands}/${names.env}`,
    GITHUB_PATH: `${paths.fileCommands}/${names.path}`,
    GITHUB_STATE: `${paths.fileCommands}/${names.state}`,
    GITHUB_STEP_SUMMARY: `${paths.fileCommands}/${names.summary}`
  }
}

/** `with:` → INPUT_<NAME>, the runner's spelling (upper case, spaces to underscores). */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

export interface StepEnvParts {
  jobEnv: Record<string, string>
  /** Set by earlier steps through GITHUB_ENV. */
  addedEnv: Record<string, string>
  stepEnv: Record<string, string>
  inputs: Record<string, string>
  job: JobIdentity
  paths: StepPaths
  files: StepFileNames
}

/** The full step env: job env < GITHUB_ENV < step env < inputs < the runner's own variables. */
export function stepEnv(p: StepEnvParts): Record<string, string> {
  return {
    ...p.jobEnv,
    ...p.addedEnv,
    ...p.stepEnv,
    ...inputEnv(p.inputs),
    ...githubEnv(p.job, p.paths),
    ...fileCommandEnv(p.paths, p.files)
  }
}
