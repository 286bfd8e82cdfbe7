import * as z from 'zod/mini'

/*
 * What the runner accepts in the response file (docs/protocol.md). Strict: an unknown key in a
 * response is a bug in the hook, caught here instead of silently ignored by the runner.
 */

const state = z.record(z.string(), z.unknown())
const ports = z.record(z.string(), z.string())

export const prepareJobResponseSchema = z.strictObject({
  state: z.optional(state),
  context: z.optional(
    z.strictObject({
      container: z.optional(
        z.strictObject({
          id: z.optional(z.string()),
          network: z.optional(z.string()),
          ports: z.optional(ports)
        })
      ),
      services: z.optional(
        z.array(
          z.strictObject({
            id: z.optional(z.string()),
            network: z.optional(z.string()),
            ports
          })
        )
      )
    })
  ),
  isAlpine: z.optional(z.boolean())
})

export const stepResponseSchema = z.strictObject({ state: z.optional(state) })
