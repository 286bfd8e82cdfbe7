import { parse, type ParseEntry } from 'shell-quote'

// Outside quotes shell-quote would read these as operators, comments or variables; the runner's
// args are plain text, so they are escaped to stay literal.
const UNQUOTED_LITERAL = new Set(['|', '&', ';', '(', ')', '<', '>', '#', '$'])

/** Index of the quote closing the one at `start`, or -1 when it is never closed. */
function closingQuote(text: string, start: number): number {
  const quote = text[start]
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++
    else if (text[i] === quote) return i
  }
  return -1
}

/**
 * Rewrites `text` so that shell-quote keeps quoting and backslashes but expands nothing:
 * `$` is escaped everywhere (also inside double quotes), operators outside quotes, and an
 * unterminated quote becomes a literal quote character.
 */
function escapeForParse(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    const end = c === '"' || c === "'" ? closingQuote(text, i) : -1
    if (c === '\\') {
      out += text.slice(i, i + 2)
      i += 2
    } else if (end >= 0) {
      const body = text.slice(i + 1, end)
      out +=
        c + (c === '"' ? body.replace(/(\\.)|\$/gs, (_m, esc?: string) => esc ?? '\\$') : body) + c
      i = end + 1
    } else {
      out += UNQUOTED_LITERAL.has(c) || c === '"' || c === "'" ? `\\${c}` : c
      i++
    }
  }
  return out
}

// After escaping, shell-quote yields only words and globs; anything else is a bug here.
function entryText(entry: ParseEntry): string {
  if (typeof entry === 'string') return entry
  if ('pattern' in entry) return entry.pattern
  throw new Error(`joinRunnerArgs: unexpected shell token ${JSON.stringify(entry)}`)
}

/**
 * Undoes the runner's argument splitting: it splits on single spaces and leaves the double
 * quotes it added attached (`["\"hello", "world\""]`). The pieces are re-joined and tokenized
 * with shell quoting rules, keeping `$VARS`, globs and operators as literal text.
 */
export function joinRunnerArgs(pieces: string[]): string[] {
  if (pieces.length === 0) return []
  return parse(escapeForParse(pieces.join(' '))).map(entryText)
}
