/**
 * Splits an `options:` string into flags the way `docker create` reads its arguments (spf13/pflag
 * rules): `--flag value`, `--flag=value`, `-e value`, `-evalue`, `-e=value`, grouped booleans
 * `-it`, `--bool=false`, and repeated flags kept in order. Values are checked by the mapping.
 */
import { parse } from 'shell-quote'
import { CREATE_FLAGS, SHORTHANDS } from './create-flags'
import { InputError } from './errors'

export interface ParsedFlag {
  /** Long name without dashes, e.g. "memory" for `-m`. */
  name: string
  /** "true"/"false" for boolean flags. */
  value: string
}

export interface ParsedFlags {
  flags: ParsedFlag[]
  /** Words that are not `docker create` flags (as written), in input order. */
  unknown: string[]
}

/** The quote left open at the end of `raw` (sh rules), or undefined when all are closed. */
function openQuote(raw: string): string | undefined {
  let quote: string | undefined
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]
    if (quote === "'") {
      if (c === "'") quote = undefined
    } else if (c === '\\') i++
    else if (quote === '"') {
      if (c === '"') quote = undefined
    } else if (c === '"' || c === "'") quote = c
  }
  return quote
}

/** The words of `raw` as sh would split them, with `$VAR` kept literal (docker gets it unexpanded). */
export function splitOptionWords(raw: string, field: string): string[] {
  // shell-quote would silently close it, turning the rest of the string into one value.
  const quote = openQuote(raw)
  if (quote) throw new InputError(`${field}: unterminated ${quote} quote in "${raw}"`)
  return parse(raw, name => `$${name}`).map(entry => {
    if (typeof entry === 'string') return entry
    if ('op' in entry && entry.op === 'glob') return entry.pattern
    const text = 'op' in entry ? entry.op : `#${entry.comment}`
    throw new InputError(
      `${field}: unexpected "${text}" in "${raw}"; quote values that contain shell characters`
    )
  })
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True'])
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False'])

function boolValue(value: string, flag: string, field: string): string {
  if (TRUE.has(value)) return 'true'
  if (FALSE.has(value)) return 'false'
  throw new InputError(`${field}: ${flag} takes true or false, got "${value}"`)
}

interface Cursor {
  words: string[]
  i: number
  out: ParsedFlags
  field: string
}

function nextValue(c: Cursor, flag: string): string {
  if (c.i + 1 >= c.words.length) throw new InputError(`${c.field}: ${flag} needs a value`)
  return c.words[++c.i]
}

function longFlag(c: Cursor, word: string): void {
  const eq = word.indexOf('=')
  const name = eq < 0 ? word.slice(2) : word.slice(2, eq)
  const flag = CREATE_FLAGS[name]
  if (flag === undefined) {
    c.out.unknown.push(`--${name}`)
    // Skip its probable value so that it is not reported as a stray word too.
    const next = c.words[c.i + 1]
    if (eq < 0 && next !== undefined && !next.startsWith('-')) c.i++
    return
  }
  const inline = eq < 0 ? undefined : word.slice(eq + 1)
  const value = flag.bool
    ? boolValue(inline ?? 'true', `--${name}`, c.field)
    : (inline ?? nextValue(c, `--${name}`))
  c.out.flags.push({ name, value })
}

function shortFlags(c: Cursor, word: string): void {
  for (let j = 1; j < word.length; j++) {
    const name = SHORTHANDS[word[j]]
    if (name === undefined) {
      c.out.unknown.push(`-${word[j]}`)
      return
    }
    const rest = word.slice(j + 1)
    const inline = rest.startsWith('=') ? rest.slice(1) : undefined
    if (CREATE_FLAGS[name].bool) {
      c.out.flags.push({ name, value: boolValue(inline ?? 'true', `-${word[j]}`, c.field) })
      if (inline !== undefined) return
      continue
    }
    const value = inline ?? (rest !== '' ? rest : nextValue(c, `-${word[j]}`))
    c.out.flags.push({ name, value })
    return
  }
}

/**
 * Words that are not flags (docker would take the first for the image) and unknown flags are
 * returned in `unknown`; each hook decides what to do with them.
 */
export function parseCreateFlags(raw: string | null | undefined, field: string): ParsedFlags {
  const c: Cursor = {
    words: splitOptionWords(raw ?? '', field),
    i: 0,
    out: { flags: [], unknown: [] },
    field
  }
  for (; c.i < c.words.length; c.i++) {
    const word = c.words[c.i]
    if (word === '--') {
      c.out.unknown.push(...c.words.slice(c.i + 1))
      break
    }
    if (word.startsWith('--')) longFlag(c, word)
    else if (word.startsWith('-') && word.length > 1) shortFlags(c, word)
    else c.out.unknown.push(word)
  }
  return c.out
}

/**
 * What no hook can honour: a flag `docker create` does not have, or a stray word (docker would
 * take the first for the image). One InputError naming the field, the first one and the string.
 */
export function refuseUnknownFlags(
  parsed: ParsedFlags,
  raw: string | null | undefined,
  field: string
): void {
  const [first] = parsed.unknown
  if (first === undefined) return
  const why = first.startsWith('-')
    ? `unknown flag ${first} (not a flag of docker create)`
    : `unexpected word "${first}" (docker create would take it for the image)`
  throw new InputError(`${field}: ${why} in "${raw ?? ''}"`)
}
