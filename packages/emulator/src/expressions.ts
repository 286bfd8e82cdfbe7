import { InputError } from '@container-hooks/hooklib'

/** Values that `${{ … }}` can read in the emulator's small expression subset. */
export interface ExpressionContext {
  steps: Record<string, Record<string, string>>
  inputs: Record<string, string>
  env: Record<string, string>
  job: { container: { id?: string; network?: string } }
}

/**
 * Substitutes `${{ steps.<id>.outputs.<name> }}`, `${{ inputs.<name> }}`, `${{ env.<NAME> }}` and
 * `${{ job.container.id|network }}`; like GitHub, a missing value becomes "".
 */
export function expand(text: string, ctx: ExpressionContext): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_all, expr: string) => {
    const path = expr.split('.')
    if (path[0] === 'steps' && path[2] === 'outputs' && path.length === 4)
      return ctx.steps[path[1]]?.[path[3]] ?? ''
    if (path[0] === 'inputs' && path.length === 2) return ctx.inputs[path[1]] ?? ''
    if (path[0] === 'env' && path.length === 2) return ctx.env[path[1]] ?? ''
    if (expr === 'job.container.id') return ctx.job.container.id ?? ''
    if (expr === 'job.container.network') return ctx.job.container.network ?? ''
    throw new InputError(
      `Unsupported expression \${{ ${expr} }}: the emulator reads steps.<id>.outputs.<name>, inputs.<name>, env.<NAME>, job.container.id/network`
    )
  })
}
