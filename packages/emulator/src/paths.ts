import type { RunnerLayout } from './layout'

/** Where a step sees the runner's directories: on the host, in the job container, in a container step. */
export interface StepPaths {
  workspace: string
  runnerWorkspace: string | null
  temp: string
  fileCommands: string
  home: string | null
  workflow: string
  toolCache: string | null
  actions: string
  externals: string
}

export function hostPaths(layout: RunnerLayout): StepPaths {
  return {
    workspace: layout.workspace,
    runnerWorkspace: layout.runnerWorkspace,
    temp: layout.temp,
    fileCommands: layout.fileCommands,
    home: null,
    workflow: layout.githubWorkflow,
    toolCache: layout.tool,
    actions: layout.actions,
    externals: layout.externals
  }
}

/** docs/protocol.md: the job container's mounts. */
export function jobContainerPaths(repoName: string): StepPaths {
  return {
    workspace: `/__w/${repoName}/${repoName}`,
    runnerWorkspace: `/__w/${repoName}`,
    temp: '/__w/_temp',
    fileCommands: '/__w/_temp/_runner_file_commands',
    home: '/github/home',
    workflow: '/github/workflow',
    toolCache: '/__w/_tool',
    actions: '/__w/_actions',
    externals: '/__e'
  }
}

/** docs/protocol.md, run_container_step: the /github/* mounts of a container action. */
export function containerStepPaths(): StepPaths {
  return {
    workspace: '/github/workspace',
    runnerWorkspace: null,
    temp: '/github/runner_temp',
    fileCommands: '/github/file_commands',
    home: '/github/home',
    workflow: '/github/workflow',
    toolCache: null,
    actions: '/github/runner_temp/_actions',
    externals: '/__e'
  }
}

/** Host path of a workspace-relative path, as seen at `paths` (for a local action's files). */
export function inWorkspace(paths: StepPaths, rel: string): string {
  const clean = rel.replace(/^\.\//, '').replace(/\/+$/, '')
  return clean ? `${paths.workspace}/${clean}` : paths.workspace
}
