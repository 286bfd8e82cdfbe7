import { hookMain } from '@container-hooks/hooklib'
import { BUILD_INFO } from './build-info'

// Each command is loaded when it runs: a script step never evaluates dockerode (ADR 0002).
hookMain(
  {
    prepareJob: async (args, ctx) =>
      (await import('./commands/prepare-job.js')).prepareJob(args, ctx),
    cleanupJob: async (args, ctx) =>
      (await import('./commands/cleanup-job.js')).cleanupJob(args, ctx),
    runScriptStep: async (args, ctx) =>
      (await import('./commands/run-script-step.js')).runScriptStep(args, ctx),
    runContainerStep: async (args, ctx) =>
      (await import('./commands/run-container-step.js')).runContainerStep(args, ctx)
  },
  { version: BUILD_INFO }
)
