import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  parseInput,
  ResponseError,
  ResponseWriter,
  type HookResponse
} from '@container-hooks/hooklib'
import * as payloads from './fixtures/payloads'
import { makeResponseFile } from './fixtures/response-file'

let dir: string
let responseFile: string

beforeEach(() => ({ dir, responseFile } = makeResponseFile('hooklib-response-')))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function writer(payload: object): ResponseWriter {
  return new ResponseWriter(parseInput(payloads.line(payload)))
}

function rejection(w: ResponseWriter, response: unknown): string {
  try {
    w.write(response as HookResponse)
  } catch (err) {
    expect(err).toBeInstanceOf(ResponseError)
    return (err as Error).message
  }
  throw new Error('the response was accepted')
}

const prepared = {
  state: { network: 'github_network_1' },
  context: {
    container: { id: 'c1', network: 'github_network_1', ports: { '80': '8080' } },
    services: [
      { id: 's1', network: 'github_network_1', ports: { '6379/tcp': '32768' } },
      { id: 's2', ports: {} }
    ]
  },
  isAlpine: false
}

describe('ResponseWriter', () => {
  it('writes a prepare_job response as one JSON document, leaving no temp file behind', () => {
    writer(payloads.prepareJob(responseFile)).write(prepared)
    expect(JSON.parse(readFileSync(responseFile, 'utf8'))).toEqual(prepared)
    expect(readdirSync(dir)).toEqual(['response.json'])
    expect(statSync(responseFile).mode & 0o777).toBe(0o600)
  })

  it('writes a service-only response without isAlpine', () => {
    const response = { context: { services: [{ ports: {} }] } }
    writer(payloads.serviceOnlyPrepareJob(responseFile)).write(response)
    expect(JSON.parse(readFileSync(responseFile, 'utf8'))).toEqual(response)
  })

  it('refuses a second write', () => {
    const w = writer(payloads.runScriptStep(responseFile))
    w.write({ state: { a: 1 } })
    expect(rejection(w, { state: { a: 2 } })).toBe(
      `The run_script_step response was already written to ${responseFile}`
    )
    expect(readFileSync(responseFile, 'utf8')).toBe('{"state":{"a":1}}')
  })

  it('rejects more services than the input had', () => {
    const response = {
      ...prepared,
      context: { services: [...prepared.context.services, { ports: {} }] }
    }
    expect(rejection(writer(payloads.prepareJob(responseFile)), response)).toBe(
      'Invalid prepare_job response: context.services has 3 entries but the job has 2 services; entries are matched by index'
    )
    expect(readFileSync(responseFile, 'utf8')).toBe('')
  })

  it('rejects a service entry without ports', () => {
    const response = { ...prepared, context: { services: [{ id: 's1' }] } }
    expect(rejection(writer(payloads.prepareJob(responseFile)), response)).toBe(
      'Invalid prepare_job response: context.services[0].ports: expected an object, got missing'
    )
  })

  it('rejects a port mapped to a number', () => {
    const response = { ...prepared, context: { container: { ports: { '80': 8080 } } } }
    expect(rejection(writer(payloads.prepareJob(responseFile)), response)).toBe(
      'Invalid prepare_job response: context.container.ports["80"]: expected a string, got 8080'
    )
  })

  it('requires isAlpine when the job has a container', () => {
    expect(rejection(writer(payloads.prepareJob(responseFile)), { context: {} })).toBe(
      'Invalid prepare_job response: isAlpine is required when the job has a container (it picks the node build for JavaScript actions)'
    )
  })

  it('allows only state in a step response', () => {
    expect(
      rejection(writer(payloads.runContainerStep(responseFile)), { state: {}, isAlpine: true })
    ).toBe('Invalid run_container_step response: unknown field "isAlpine"')
    expect(rejection(writer(payloads.runScriptStep(responseFile)), { state: 'x' })).toBe(
      'Invalid run_script_step response: state: expected an object, got a string'
    )
  })

  it('accepts an optional cleanup_job response', () => {
    writer(payloads.cleanupJob(responseFile)).write({})
    expect(readFileSync(responseFile, 'utf8')).toBe('{}')
  })

  it('reports a response file that cannot be written, naming it', () => {
    const missing = join(dir, 'gone', 'response.json')
    expect(rejection(writer(payloads.runScriptStep(missing)), { state: {} })).toMatch(
      new RegExp(`^Could not write the response file ${missing}: ENOENT`)
    )
  })

  it('cleans up the temp file when the rename fails', () => {
    const target = join(dir, 'is-a-dir')
    mkdirSync(join(target, 'child'), { recursive: true })
    expect(rejection(writer(payloads.runScriptStep(target)), { state: {} })).toMatch(
      /^Could not write the response file .*is-a-dir: /
    )
    expect(readdirSync(dir).sort()).toEqual(['is-a-dir', 'response.json'])
  })
})
