import { ResponseError } from '@container-hooks/hooklib'
import type { Command, HookState, PrepareJobArgs } from '@container-hooks/hooklib'

/** What the runner takes from a response file; everything else in it is ignored. */
export interface RunnerReading {
  state?: HookState | null
  isAlpine?: boolean
  container?: { id?: string; network?: string; ports?: Record<string, string> }
  services?: Array<{ id?: string; network?: string; ports: Record<string, string> }>
}

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Newtonsoft matches property names case-insensitively. */
function prop(obj: Json, name: string): unknown {
  const key = Object.keys(obj).find(k => k.toLowerCase() === name.toLowerCase())
  return key === undefined ? undefined : obj[key]
}

function optionalString(obj: Json, name: string, where: string): string | undefined {
  const v = prop(obj, name)
  if (v == null) return undefined
  if (typeof v === 'string' || typeof v === 'number') return String(v)
  throw new ResponseError(`${where}.${name} must be a string, got ${JSON.stringify(v)}`)
}

function ports(v: unknown, where: string): Record<string, string> {
  if (!isObject(v))
    throw new ResponseError(
      `${where}.ports must be an object mapping container ports to host ports`
    )
  const out: Record<string, string> = {}
  for (const [k, p] of Object.entries(v)) {
    if (typeof p !== 'string' && typeof p !== 'number')
      throw new ResponseError(`${where}.ports["${k}"] must be a string`)
    out[k] = String(p)
  }
  return out
}

function parseDocument(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ResponseError(`Response file is not one JSON document: ${(err as Error).message}`)
  }
}

/**
 * Reads a response file the way the runner does (docs/protocol.md) and fails where the runner
 * fails: an empty prepare_job response, not exactly one JSON document, more services than the
 * job has, a service without `ports`, a missing `isAlpine` when there was a job container.
 */
export function readRunnerResponse(
  text: string,
  command: Command,
  prepareArgs?: PrepareJobArgs
): RunnerReading {
  if (text.trim() === '') {
    if (command === 'prepare_job')
      throw new ResponseError(
        'Response file could not be read: prepare_job wrote an empty response file'
      )
    return {}
  }
  if (command === 'cleanup_job') return {}
  const doc = parseDocument(text)
  if (!isObject(doc))
    throw new ResponseError(`Response must be a JSON object, got ${JSON.stringify(doc)}`)
  const reading: RunnerReading = {}
  const state = prop(doc, 'state')
  if (state === null) reading.state = null
  else if (state !== undefined) {
    if (!isObject(state))
      throw new ResponseError(`Response state must be a JSON object, got ${JSON.stringify(state)}`)
    reading.state = state
  }
  if (command !== 'prepare_job') return reading
  return { ...reading, ...readPrepare(doc, prepareArgs ?? { container: null, services: [] }) }
}

function readPrepare(doc: Json, args: PrepareJobArgs): RunnerReading {
  const reading: RunnerReading = {}
  const isAlpine = prop(doc, 'isAlpine')
  if (isAlpine != null && typeof isAlpine !== 'boolean')
    throw new ResponseError(`isAlpine must be true or false, got ${JSON.stringify(isAlpine)}`)
  if (args.container && typeof isAlpine !== 'boolean') {
    throw new ResponseError(
      'prepare_job response has no isAlpine although the job has a container: the runner cannot pick a node build'
    )
  }
  if (typeof isAlpine === 'boolean') reading.isAlpine = isAlpine
  const context = prop(doc, 'context')
  if (context == null) return reading
  if (!isObject(context)) throw new ResponseError('context must be an object')
  const container = prop(context, 'container')
  if (isObject(container)) {
    const p = prop(container, 'ports')
    reading.container = {
      id: optionalString(container, 'id', 'context.container'),
      network: optionalString(container, 'network', 'context.container'),
      ports: p == null ? undefined : ports(p, 'context.container')
    }
  }
  const services = prop(context, 'services')
  if (services == null) return reading
  if (!Array.isArray(services))
    throw new ResponseError('context.services must be a list, index-matched to the input services')
  if (services.length > args.services.length) {
    throw new ResponseError(
      `context.services has ${services.length} entries but the job has ${args.services.length} services`
    )
  }
  reading.services = services.map((s: unknown, i) => {
    const where = `context.services[${i}]`
    if (!isObject(s)) throw new ResponseError(`${where} must be an object`)
    const p = prop(s, 'ports')
    if (p == null)
      throw new ResponseError(
        `${where} has no ports (every service entry needs a ports object, possibly {})`
      )
    return {
      id: optionalString(s, 'id', where),
      network: optionalString(s, 'network', where),
      ports: ports(p, where)
    }
  })
  return reading
}
