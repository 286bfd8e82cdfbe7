import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HookError } from '@container-hooks/hooklib'

export const FILE_COMMANDS = {
  output: 'set_output',
  env: 'set_env',
  path: 'add_path',
  state: 'save_state',
  summary: 'step_summary'
} as const
export type FileCommand = keyof typeof FILE_COMMANDS

/** File name of each command file of one step (`set_output_<guid>` …). */
export type StepFileNames = Record<FileCommand, string>

/** Creates the step's command files empty, as the runner does before every step. */
export function createFileCommands(dir: string): StepFileNames {
  const guid = randomUUID()
  const names = {} as StepFileNames
  for (const [key, prefix] of Object.entries(FILE_COMMANDS) as [FileCommand, string][]) {
    names[key] = `${prefix}_${guid}`
    writeFileSync(join(dir, names[key]), '')
  }
  return names
}

export interface FileCommandResults {
  outputs: Record<string, string>
  env: Record<string, string>
  path: string[]
}

/** Reads the command files from the HOST after the step, as the runner does. */
export function readFileCommands(dir: string, names: StepFileNames): FileCommandResults {
  const read = (key: FileCommand): string => {
    try {
      return readFileSync(join(dir, names[key]), 'utf8')
    } catch {
      return ''
    }
  }
  return {
    outputs: parseKeyValueFile(read('output'), 'GITHUB_OUTPUT'),
    env: parseKeyValueFile(read('env'), 'GITHUB_ENV'),
    path: read('path')
      .split(/\r?\n/)
      .filter(line => line.trim() !== '')
  }
}

/** `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks (the runner's format). */
export function parseKeyValueFile(text: string, file: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '') continue
    const heredoc = line.indexOf('<<')
    const equals = line.indexOf('=')
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc)
      const delimiter = line.slice(heredoc + 2)
      if (delimiter === '') throw new HookError(`${file}: empty delimiter for "${name}"`)
      const end = lines.indexOf(delimiter, i + 1)
      if (end < 0)
        throw new HookError(`${file}: matching delimiter "${delimiter}" not found for "${name}"`)
      result[name] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (equals > 0) {
      result[line.slice(0, equals)] = line.slice(equals + 1)
    } else {
      throw new HookError(
        `${file}: invalid line "${line}" (expected name=value or name<<DELIMITER)`
      )
    }
  }
  return result
}
