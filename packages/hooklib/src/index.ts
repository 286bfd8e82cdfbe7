// The public API of @container-hooks/hooklib: exactly what docs/hooklib.md documents (a test
// compares the two). Everything else in src/ is internal.
export {
  COMMANDS,
  type Command,
  type MountVolume,
  type RegistryCredentials,
  type HookContainer,
  type PrepareJobArgs,
  type ScriptStepArgs,
  type ContainerStepArgs,
  type CleanupJobArgs,
  type HookState,
  type HookInput,
  type PrepareJobInput,
  type CleanupJobInput,
  type ScriptStepInput,
  type ContainerStepInput,
  type ContainerContext,
  type ServiceContext,
  type PrepareJobResponse,
  type StepResponse,
  type HookResponse
} from './protocol'
export {
  HookError,
  InputError,
  ConfigError,
  ResponseError,
  StepFailedError,
  CancelledError
} from './errors'
export {
  runHook,
  hookMain,
  type HookHandlers,
  type HookContext,
  type RunHookOptions
} from './run-hook'
export { parseInput, readInput } from './input'
export {
  INPUT_LIMITS,
  mountVolumeSchema,
  hookContainerSchema,
  prepareJobArgsSchema,
  containerStepArgsSchema,
  scriptStepArgsSchema,
  cleanupJobArgsSchema,
  envelopeSchema
} from './input-schema'
export { ResponseWriter } from './response'
export {
  createLogger,
  isDebug,
  escapeData,
  MIN_MASK_LENGTH,
  type Logger,
  type LoggerOptions
} from './logger'
export { joinRunnerArgs } from './args'
export { parsePortMapping, type PortMapping } from './ports'
export { classifyMount, type ClassifiedMount } from './mounts'
export { hookContainer } from './hook-container'
export {
  parseCreateOptions,
  parseBytes,
  parseDuration,
  ramInBytes,
  type CreateOptions,
  type ParsedCreateOptions,
  type EnvOption,
  type UlimitOption,
  type MountOption,
  type HealthOptions
} from './create-options'
export { CREATE_FLAGS, SHORTHANDS, type CreateFlag } from './create-flags'
export {
  parseCreateFlags,
  splitOptionWords,
  refuseUnknownFlags,
  type ParsedFlag,
  type ParsedFlags
} from './create-flags-parse'
export { imageReferenceProblem, IMAGE_REFERENCE_FORM } from './image-reference'
export { readSavedState, readSavedStateOrIgnore } from './state'
export { serviceAlias, serviceAliases } from './service-alias'
export { STEP_MARKER } from './step-marker'
export {
  readDebugSettings,
  debugEnabled,
  type DebugMode,
  type DebugSettings
} from './debug-settings'
export { diagnosticsCommand, DIAGNOSTICS_NAME } from './diagnostics-script'
export {
  debugAfterStep,
  type Diagnostics,
  type DebugHandlers,
  type DebugStepContext
} from './debug-step'
export { deadline, type Deadline } from './deadline'
export { sleepUnlessAborted } from './sleep'
export {
  readReconnectBoundMs,
  DEFAULT_RECONNECT_MS,
  ReconnectTimeoutError,
  ConnectionWatch,
  type Reconnection
} from './reconnect'
export { OOM_EXIT_CODE, OOM_COUNTED_EXIT, OOM_COUNTER_SCRIPT, oomKilledMessage } from './oom-kill'
