/** PURE: the Docker hook's reading of `options:`: an unsupported flag is an error, not a warning. */
import {
  InputError,
  parseCreateOptions,
  SUPPORTED_CREATE_OPTIONS,
  type CreateOptions
} from '@container-hooks/hooklib'

export function dockerCreateOptions(raw: string | null, field: string): CreateOptions {
  const { options, unknown } = parseCreateOptions(raw, field)
  if (unknown.length > 0) {
    throw new InputError(
      `${field}: unsupported option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in "${raw}". Supported: ${SUPPORTED_CREATE_OPTIONS.join(' ')} (and -e -v -u -w -h -m)`
    )
  }
  return options
}
