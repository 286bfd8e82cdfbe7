/**
 * PURE: the flags of one `options:` string, and the value syntaxes the Docker CLI accepts for
 * them (Go's integer, duration, CSV and size syntaxes), each failing with one InputError that
 * names the flag and the value.
 */
import { posix } from 'node:path'
import { InputError, ramInBytes, type ParsedFlag } from '@container-hooks/hooklib'

/** Every value given for each flag, in order, and where to point errors. */
export class FlagValues {
  private readonly values = new Map<string, string[]>()

  constructor(
    flags: ParsedFlag[],
    readonly field: string
  ) {
    for (const { name, value } of flags) this.values.set(name, [...this.all(name), value])
  }

  all(name: string): string[] {
    return this.values.get(name) ?? []
  }

  /** The last value: a repeated single-value flag keeps the last, as pflag does. */
  last(name: string): string | undefined {
    return this.all(name).at(-1)
  }

  has(name: string): boolean {
    return this.values.has(name)
  }

  bool(name: string): boolean {
    return this.last(name) === 'true'
  }

  names(): string[] {
    return [...this.values.keys()]
  }

  error(name: string, value: string, why: string): InputError {
    return new InputError(`${this.field}: --${name} "${value}": ${why}`)
  }

  /** Applies `parse` to the last value, turning its message into the flag's error. */
  parsed<T>(name: string, parse: (value: string) => T): T | undefined {
    const value = this.last(name)
    return value === undefined ? undefined : this.check(name, value, parse)
  }

  check<T>(name: string, value: string, parse: (value: string) => T): T {
    try {
      return parse(value)
    } catch (err) {
      if (err instanceof InputError) throw err
      throw this.error(name, value, (err as Error).message)
    }
  }
}

const GO_INT = /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*)$/

/** Go's strconv.ParseInt(value, 0, bits) as pflag's int flags use it: 0x1F, 0o17, 017, 1_000. */
export function goInt(value: string, min = -(2 ** 63), max = 2 ** 63 - 1): number {
  if (!GO_INT.test(value)) throw new Error('not an integer')
  const sign = value.startsWith('-') ? -1 : 1
  let digits = value.replace(/^[-+]/, '').replace(/_/g, '')
  let base = 10
  if (/^0[xX]/.test(digits)) [base, digits] = [16, digits.slice(2)]
  else if (/^0[bB]/.test(digits)) [base, digits] = [2, digits.slice(2)]
  else if (/^0[oO]/.test(digits)) [base, digits] = [8, digits.slice(2)]
  else if (/^0./.test(digits)) [base, digits] = [8, digits.slice(1)]
  const n = sign * parseInt(digits || '0', base)
  if (n < min || n > max) throw new Error(`out of range (${min} to ${max})`)
  return n
}

/** A base-10 unsigned integer (strconv.ParseUint(value, 10, 64)). */
export function decimalUint(value: string): number {
  if (!/^\d+$/.test(value)) throw new Error('not a whole number')
  return Number(value)
}

/** The CLI's sizes (go-units RAMInBytes): `512m`, `1.5g`, `10k`, `2GiB`. */
export function ramBytes(value: string): number {
  const bytes = ramInBytes(value)
  if (bytes === undefined) throw new Error('not a size such as 512m or 2g')
  return bytes
}

const NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 6e10,
  h: 3.6e12
}

/** Go's time.ParseDuration, in nanoseconds: `30s`, `1m30s`, `1.5h`, `-1s`, `0`. */
export function durationNs(value: string): number {
  const sign = value.startsWith('-') ? -1 : 1
  const body = value.replace(/^[-+]/, '')
  if (body === '0') return 0
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y
  let total = 0
  let pos = 0
  while (pos < body.length) {
    part.lastIndex = pos
    const m = part.exec(body)
    if (!m) throw new Error('not a duration such as 10s or 1m30s')
    total += Number(m[1]) * NS[m[2]]
    pos = part.lastIndex
  }
  if (pos === 0) throw new Error('not a duration such as 10s or 1m30s')
  return sign * Math.round(total)
}

/** The CLI's NanoCPUs: a decimal (or a/b) number of CPUs, at most nanosecond precision. */
export function nanoCpus(value: string): number {
  const frac = /^([-+]?\d+)\/(\d+)$/.exec(value)
  const n = frac ? Number(frac[1]) / Number(frac[2]) : Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new Error('not a number of CPUs')
  const nano = n * 1e9
  if (Math.abs(nano - Math.round(nano)) > 1e-6) throw new Error('value is too precise')
  return Math.round(nano)
}

/** One line of Go's encoding/csv: fields split on commas, "quoted" fields with "" escapes. */
export function csvFields(value: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (value[i] === '"') {
      for (i++; ; i++) {
        if (i >= value.length) throw new Error('extraneous or missing " in quoted-field')
        if (value[i] === '"' && value[i + 1] === '"') field += value[i++]
        else if (value[i] === '"') break
        else field += value[i]
      }
      i++
      if (i < value.length && value[i] !== ',')
        throw new Error('extraneous or missing " in quoted-field')
    } else {
      const end = value.indexOf(',', i)
      field = value.slice(i, end < 0 ? value.length : end)
      if (field.includes('"')) throw new Error('bare " in non-quoted-field')
      i = end < 0 ? value.length : end
    }
    fields.push(field)
    if (i >= value.length) return fields
    i++
  }
}

/** `k=v` → [k, v]; `k` → [k, ""] (the CLI's ConvertKVStringsToMap). */
export function keyValue(value: string): [string, string] {
  const i = value.indexOf('=')
  return i < 0 ? [value, ''] : [value.slice(0, i), value.slice(i + 1)]
}

export function kvMap(values: string[]): Record<string, string> {
  return Object.fromEntries(values.map(keyValue))
}

/** Go's path.Clean for Linux paths. */
export function cleanPath(path: string): string {
  const clean = posix.normalize(path)
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean
}

/** Go's strconv.ParseBool. */
export function goBool(value: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false
  throw new Error('not true or false')
}

/** Go's json.Compact: the document as written, minus the whitespace between tokens. */
export function compactJson(text: string): string {
  JSON.parse(text)
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, m => (m.startsWith('"') ? m : ''))
}
