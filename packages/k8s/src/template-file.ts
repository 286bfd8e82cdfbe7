/** Reads ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE's file, for every pod the hook creates. */
import { ConfigError } from '@container-hooks/hooklib'
import { readFileSync } from 'node:fs'
import { parseTemplate, type PodTemplate } from './specs/template-merge'

export function loadTemplate(path: string | undefined): PodTemplate | undefined {
  if (path === undefined) return undefined
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(
      `ACTIONS_RUNNER_CONTAINER_HOOK_TEMPLATE=${path} cannot be read: ${(err as Error).message}`
    )
  }
  return parseTemplate(text, path)
}
