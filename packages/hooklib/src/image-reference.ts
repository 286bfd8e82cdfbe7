/**
 * The image reference grammar both backends accept (the distribution project's reference
 * grammar, as the Docker engine and the kubelet apply it), checked before anything is created:
 * a reference they would refuse only after a pod or container exists must fail up front.
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component ( "/" path-component )*   (at most 255 characters)
 */

const NAME_MAX = 255
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`)
const LOWERCASE_COMPONENT = new RegExp(`^${PATH_COMPONENT}$`)

// Hex lengths of the registered digest algorithms; others only need 32+ hex digits.
const DIGEST_HEX: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 }

export const IMAGE_REFERENCE_FORM = '[HOST[:PORT]/]NAME[:TAG][@DIGEST], NAME in lowercase'

/** Why `image` is not a reference the engine or kubelet would pull, or undefined when it is. */
export function imageReferenceProblem(image: string): string | undefined {
  const match = REFERENCE.exec(image.trim())
  if (!match) return `not an image reference (expected ${IMAGE_REFERENCE_FORM})`
  const [, name, , digest] = match
  // As the engine normalises a name: the first component is a registry only with a "." or ":"
  // in it, or as "localhost"; otherwise it is part of the (lowercase) repository path.
  const first = name.split('/')[0]
  const isRegistry = name.includes('/') && (/[.:]/.test(first) || first === 'localhost')
  if (!isRegistry && !LOWERCASE_COMPONENT.test(first))
    return `the repository name must be lowercase (expected ${IMAGE_REFERENCE_FORM})`
  if (name.length > NAME_MAX)
    return `the repository name is ${name.length} characters long; at most ${NAME_MAX} are allowed`
  if (digest) {
    const [algorithm, hex] = digest.split(':')
    const expected = DIGEST_HEX[algorithm]
    if (expected !== undefined && hex.length !== expected)
      return `a ${algorithm} digest has ${expected} hex digits, this one ${hex.length}`
  }
  return undefined
}
