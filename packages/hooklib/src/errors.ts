/**
 * Typed failures. The entry point (runHook) prints `message` as one `::error::` line and exits
 * with `exitCode`, so messages must say what went wrong and what to do about it.
 */
export class HookError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.exitCode = exitCode
  }
}

/** The runner's stdin payload is not what the protocol says; `message` names the field. */
export class InputError extends HookError {}

/** A hook configuration variable (environment) is invalid; `message` names the variable. */
export class ConfigError extends HookError {}

/** The response about to be written would be rejected by the runner. */
export class ResponseError extends HookError {}

/** The user's own script or container failed: the hook exits with the user's exit code. */
export class StepFailedError extends HookError {
  constructor(exitCode: number, message = `The step exited with code ${exitCode}`) {
    super(message, exitCode === 0 ? 1 : exitCode)
  }
}

/** The runner cancelled the step (SIGINT/SIGTERM) and the hook stopped the remote work. */
export class CancelledError extends HookError {
  constructor(message = 'The step was cancelled') {
    super(message, 130)
  }
}
