import { readRunnerResponse } from '../src/runner-response'
import type { HookContainer, PrepareJobArgs } from '@container-hooks/hooklib'

const container = { image: 'x' } as HookContainer
const withJob = (services = 1): PrepareJobArgs => ({
  container,
  services: Array.from({ length: services }, () => container)
})
const serviceOnly: PrepareJobArgs = { container: null, services: [container] }

describe('the runner reading a response file', () => {
  it('refuses an empty prepare_job response', () => {
    expect(() => readRunnerResponse('', 'prepare_job', withJob())).toThrow(
      /Response file could not be read/
    )
    expect(() => readRunnerResponse(' \n', 'prepare_job', serviceOnly)).toThrow(
      /Response file could not be read/
    )
  })
  it('accepts an empty step or cleanup response', () => {
    expect(readRunnerResponse('', 'run_script_step')).toEqual({})
    expect(readRunnerResponse('', 'cleanup_job')).toEqual({})
  })
  it('ignores whatever cleanup_job wrote', () => {
    expect(readRunnerResponse('not json', 'cleanup_job')).toEqual({})
  })
  it('refuses anything but one JSON document', () => {
    expect(() =>
      readRunnerResponse('{"isAlpine":false}{"isAlpine":false}', 'prepare_job', withJob(0))
    ).toThrow(/not one JSON document/)
    expect(() => readRunnerResponse('{', 'run_script_step')).toThrow(/not one JSON document/)
    expect(() => readRunnerResponse('[1]', 'run_script_step')).toThrow(/must be a JSON object/)
  })
  it('matches property names case-insensitively and ignores unknown ones', () => {
    const r = readRunnerResponse(
      '{"State":{"a":1},"ISALPINE":true,"Context":{"Container":{"ID":"c","Network":"n","Ports":{"80":8080}},"services":[{"Ports":{}}]},"extra":1}',
      'prepare_job',
      withJob()
    )
    expect(r).toEqual({
      state: { a: 1 },
      isAlpine: true,
      container: { id: 'c', network: 'n', ports: { '80': '8080' } },
      services: [{ id: undefined, network: undefined, ports: {} }]
    })
  })
  it('requires isAlpine when there was a job container, not for a service-only job', () => {
    expect(() =>
      readRunnerResponse('{"context":{"services":[{"ports":{}}]}}', 'prepare_job', withJob())
    ).toThrow(/no isAlpine/)
    expect(
      readRunnerResponse('{"context":{"services":[{"ports":{}}]}}', 'prepare_job', serviceOnly)
        .isAlpine
    ).toBeUndefined()
    expect(() => readRunnerResponse('{"isAlpine":"yes"}', 'prepare_job', withJob(0))).toThrow(
      /isAlpine must be true or false/
    )
  })
  it('refuses more services than the job has, and a service without ports', () => {
    expect(() =>
      readRunnerResponse(
        '{"isAlpine":false,"context":{"services":[{"ports":{}},{"ports":{}}]}}',
        'prepare_job',
        withJob(1)
      )
    ).toThrow(/2 entries but the job has 1 services/)
    expect(() =>
      readRunnerResponse(
        '{"isAlpine":false,"context":{"services":[{"id":"s"}]}}',
        'prepare_job',
        withJob(1)
      )
    ).toThrow(/context.services\[0\] has no ports/)
    expect(() =>
      readRunnerResponse('{"isAlpine":false,"context":{"services":{}}}', 'prepare_job', withJob(1))
    ).toThrow(/must be a list/)
    expect(() =>
      readRunnerResponse(
        '{"isAlpine":false,"context":{"services":[{"ports":{"80":true}}]}}',
        'prepare_job',
        withJob(1)
      )
    ).toThrow(/ports\["80"\] must be a string/)
    expect(() =>
      readRunnerResponse('{"isAlpine":false,"context":{"services":[3]}}', 'prepare_job', withJob(1))
    ).toThrow(/must be an object/)
  })
  it('takes a step state only when it is an object', () => {
    expect(readRunnerResponse('{"state":{"b":2}}', 'run_container_step')).toEqual({
      state: { b: 2 }
    })
    expect(readRunnerResponse('{"state":null}', 'run_script_step')).toEqual({ state: null })
    expect(() => readRunnerResponse('{"state":"s"}', 'run_script_step')).toThrow(
      /state must be a JSON object/
    )
  })
  it('refuses malformed context fields', () => {
    expect(() =>
      readRunnerResponse('{"isAlpine":false,"context":[]}', 'prepare_job', withJob(0))
    ).toThrow(/context must be an object/)
    expect(() =>
      readRunnerResponse(
        '{"isAlpine":false,"context":{"container":{"id":{}}}}',
        'prepare_job',
        withJob(0)
      )
    ).toThrow(/context.container.id must be a string/)
    expect(() =>
      readRunnerResponse(
        '{"isAlpine":false,"context":{"container":{"ports":[]}}}',
        'prepare_job',
        withJob(0)
      )
    ).toThrow(/context.container.ports must be an object/)
  })
})
