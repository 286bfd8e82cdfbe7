/** The Kubernetes container hook: ACTIONS_RUNNER_CONTAINER_HOOKS=<path>/dist/index.js. */
import { hookMain } from '@container-hooks/hooklib'
import { cleanupJob } from './commands/cleanup-job'
import { prepareJob } from './commands/prepare-job'
import { runContainerStep } from './commands/run-container-step'
import { runScriptStep } from './commands/run-script-step'

hookMain({ prepareJob, cleanupJob, runScriptStep, runContainerStep })
