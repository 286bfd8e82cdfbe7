/** A `::name params::message` workflow command line, as the runner parses it from the log. */
export interface WorkflowCommand {
  name: string
  message: string
}

export function parseWorkflowCommand(line: string): WorkflowCommand | null {
  const m = /^::([a-zA-Z-]+)(?: [^:]*)?::(.*)$/.exec(line.trim())
  return m ? { name: m[1].toLowerCase(), message: unescapeData(m[2]) } : null
}

function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
}

/** Replaces every registered secret (`::add-mask::`) with `***`, as the runner's log does. */
export function maskLine(line: string, masks: string[]): string {
  return masks.reduce((out, secret) => (secret ? out.split(secret).join('***') : out), line)
}
