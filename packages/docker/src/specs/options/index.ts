/**
 * PURE: a workflow's `options:` string mapped onto the Engine API create body exactly as
 * `docker create <options> IMAGE` (the CLI the project installs) maps it; the CLI-oracle test
 * holds it to that. The job's own fields are merged in by container-spec.
 */
import { CREATE_FLAGS, parseCreateFlags, refuseUnknownFlags } from '@container-hooks/hooklib'
import type { CreateBody, FlagArea, OptionsContext } from './area'
import { configFlags } from './config-flags'
import { deviceFlags } from './device-flags'
import { IGNORED_FLAGS } from './ignored-flags'
import { isolationFlags } from './isolation-flags'
import {
  firstNetworkSettings,
  networkAttachments,
  networkFlags,
  type Attachment,
  type FirstNetworkSettings
} from './network-flags'
import { resourceFlags } from './resource-flags'
import { storageFlags } from './storage-flags'
import { FlagValues } from './values'

export type { CreateBody, OptionsContext } from './area'
export type { Attachment, FirstNetworkSettings } from './network-flags'

export const FLAG_AREAS: readonly FlagArea[] = [
  configFlags,
  resourceFlags,
  deviceFlags,
  isolationFlags,
  storageFlags,
  networkFlags
]

/** Flags mapped outside the body: --platform is a query parameter of the create call. */
export const QUERY_FLAGS: readonly string[] = ['platform']

export interface DockerOptions {
  /** What `docker create` sends for these flags alone (no Image, no job network). */
  body: CreateBody
  platform?: string
  /** --network values, in order. */
  attachments: Attachment[]
  /** --network-alias, --ip, … which the CLI applies to the first network. */
  first: FirstNetworkSettings
  /** Flags given but ignored (see ignored-flags), as written, e.g. `--rm`. */
  ignored: string[]
}

function written(name: string): string {
  const short = CREATE_FLAGS[name]?.short
  return short === undefined ? `--${name}` : `-${short}/--${name}`
}

export function dockerOptions(
  raw: string | null,
  field: string,
  ctx: OptionsContext
): DockerOptions {
  const parsed = parseCreateFlags(raw, field)
  refuseUnknownFlags(parsed, raw, field)
  const v = new FlagValues(parsed.flags, field)
  const body: CreateBody = { HostConfig: {} }
  for (const area of FLAG_AREAS) area.apply(v, body, ctx)
  const platform = v.last('platform')
  return {
    body,
    ...(platform ? { platform } : {}),
    attachments: networkAttachments(v),
    first: firstNetworkSettings(v),
    ignored: v
      .names()
      .filter(n => IGNORED_FLAGS.includes(n))
      .map(written)
  }
}
