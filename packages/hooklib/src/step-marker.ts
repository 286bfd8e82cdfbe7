/**
 * The variable both hooks set in a script step's environment, with a value unique to the step:
 * a cancel finds the step's processes by it (in /proc/<pid>/environ) and kills them alone.
 */
export const STEP_MARKER = 'CONTAINER_HOOKS_STEP'
