import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { describeIssues } from './describe-value'
import { ResponseError } from './errors'
import type { HookInput, HookResponse, PrepareJobResponse } from './protocol'
import { prepareJobResponseSchema, stepResponseSchema } from './response-schema'

/** The rules of docs/protocol.md that a schema cannot express: they depend on the input. */
function checkPrepareJob(input: HookInput, response: PrepareJobResponse): void {
  if (input.command !== 'prepare_job') return
  const inputServices = input.args.services.length
  const services = response.context?.services?.length ?? 0
  if (services > inputServices) {
    throw new ResponseError(
      `Invalid prepare_job response: context.services has ${services} entries but the job has ${inputServices} services; entries are matched by index`
    )
  }
  if (input.args.container !== null && typeof response.isAlpine !== 'boolean') {
    throw new ResponseError(
      'Invalid prepare_job response: isAlpine is required when the job has a container (it picks the node build for JavaScript actions)'
    )
  }
}

/**
 * Writes the hook's answer to `input.responseFile`: validated first, exactly once, as one JSON
 * document, atomically (temp file + rename) so the runner never reads a partial file.
 */
export class ResponseWriter {
  private written = false

  constructor(private readonly input: HookInput) {}

  write(response: HookResponse): void {
    const { command, responseFile } = this.input
    if (this.written) {
      throw new ResponseError(`The ${command} response was already written to ${responseFile}`)
    }
    const schema = command === 'prepare_job' ? prepareJobResponseSchema : stepResponseSchema
    const parsed = schema.safeParse(response)
    if (!parsed.success) {
      throw new ResponseError(
        `Invalid ${command} response: ${describeIssues(parsed.error.issues, response)}`
      )
    }
    checkPrepareJob(this.input, parsed.data)
    const temp = join(
      dirname(responseFile),
      `.${basename(responseFile)}.${randomBytes(6).toString('hex')}.tmp`
    )
    try {
      writeFileSync(temp, JSON.stringify(parsed.data), { flag: 'wx', mode: 0o600 })
      renameSync(temp, responseFile)
    } catch (err) {
      rmSync(temp, { force: true })
      throw new ResponseError(
        `Could not write the response file ${responseFile}: ${(err as Error).message}`,
        1,
        { cause: err }
      )
    }
    this.written = true
  }
}
