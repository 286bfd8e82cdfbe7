import { z } from 'zod'

/*
 * What the runner accepts in the response file (protocol.md §4). Strict: an unknown key in a
 * response is a bug in the hook, caught here instead of silently ignored by the runner.
 */

const state = z.record(z.string(), z.unknown())
const ports = z.record(z.string(), z.string())

export const prepareJobResponseSchema = z.strictObject({
  state: state.optional(),
  context: z
    .strictObject({
      container: z
        .strictObject({
          id: z.string().optional(),
          network: z.string().optional(),
          ports: ports.optional()
        })
        .optional(),
      services: z
        .array(
          z.strictObject({
            id: z.string().optional(),
            network: z.string().optional(),
            ports
          })
        )
        .optional()
    })
    .optional(),
  isAlpine: z.boolean().optional()
})

export const stepResponseSchema = z.strictObject({ state: state.optional() })
