import type { CommandRecord, JobResult } from './results'

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`
}

/** The closing table: one row per command and step, then the job's result. */
export function summaryTable(result: JobResult): string[] {
  const rows: [string, CommandRecord][] = []
  if (result.prepare) rows.push(['Initialize containers', result.prepare])
  for (const s of result.steps) rows.push([s.name, s])
  if (result.cleanup) rows.push(['Stop containers', result.cleanup])
  const table = [
    ['step', 'result', 'exit', 'duration'],
    ...rows.map(([name, r]) => [
      name,
      r.result,
      r.exitCode === null ? '-' : String(r.exitCode),
      seconds(r.durationMs)
    ])
  ]
  const widths = table[0].map((_, col) => Math.max(...table.map(row => row[col].length)))
  const lines = table.map(row =>
    row
      .map((cell, col) => cell.padEnd(widths[col]))
      .join('  ')
      .trimEnd()
  )
  return [
    lines[0],
    widths.map(w => '-'.repeat(w)).join('  '),
    ...lines.slice(1),
    `job: ${result.result} in ${seconds(result.durationMs)}`
  ]
}

export function printSummary(result: JobResult, log: (line: string) => void): void {
  log('')
  for (const line of summaryTable(result)) log(line)
}
