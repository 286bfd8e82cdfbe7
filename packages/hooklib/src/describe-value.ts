import type * as z from 'zod/mini'

const MAX_SHOWN = 60

/** How a value reads in an error line: numbers as is, strings quoted and capped, no dumps. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value
    return JSON.stringify(shown)
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value)
  }
  return `a ${typeof value}`
}

/** `args.services[1].portMappings[0]`; keys that are not identifiers are bracket-quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`
      const name = String(key)
      if (/^[A-Za-z_$][\w$]*$/.test(name)) return i === 0 ? name : `.${name}`
      return `[${JSON.stringify(name)}]`
    })
    .join('')
}

const ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array'
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

// Values under these may be secrets: their text is never shown, only their kind.
const SECRET_FIELDS = new Set<PropertyKey>(['environmentVariables', 'registry', 'state'])

function problem(issue: z.core.$ZodIssue, data: unknown, root: readonly PropertyKey[]): string {
  const value = valueAt(data, issue.path)
  const hidden =
    typeof value === 'string' && [...root, ...issue.path].some(key => SECRET_FIELDS.has(key))
  const got = hidden ? 'a string' : describeValue(value)
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${ARTICLES[issue.expected] ?? issue.expected}, got ${got}`
    case 'too_small':
      return issue.origin === 'string'
        ? `expected a non-empty string, got ${got}`
        : `${issue.message}, got ${got}`
    case 'invalid_value':
      return `expected one of ${issue.values.map(v => JSON.stringify(v)).join(', ')}, got ${got}`
    case 'invalid_key':
      return issue.issues[0]?.message ?? issue.message
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.map(k => JSON.stringify(k)).join(', ')}`
    default:
      return issue.message
  }
}

/**
 * One line for a failed zod parse: the first problem with its field path (under `root`), then
 * "(and N more)". `data` is the parsed input, used to show the offending value; `whole` names it
 * when the problem is with all of it.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  root: readonly PropertyKey[] = [],
  whole = ''
): string {
  const [first] = issues
  const path = formatPath([...root, ...first.path]) || whole
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
  return `${path ? `${path}: ` : ''}${problem(first, data, root)}${more}`
}
