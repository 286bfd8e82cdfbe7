/**
 * Network names for service containers. The runner never sends the workflow's service keys
 * (actions/runner#2783), so a service is reachable under a name derived from its image:
 * `ghcr.io/x/redis:7` → `redis`. Deterministic for a given input order.
 */

const MAX_DNS_LABEL = 63

/** The DNS label for one image reference: last path segment, no tag or digest, [a-z0-9-]. */
export function serviceAlias(image: string): string {
  const withoutDigest = image.split('@')[0]
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1)
  const name = lastSegment.split(':')[0]
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_DNS_LABEL)
    .replace(/-+$/, '')
  return label === '' ? 'service' : label
}

/**
 * One alias per image, in input order. Collisions get `-2`, `-3`, … in order of appearance,
 * skipping any suffixed name that another image already produces.
 */
export function serviceAliases(images: string[]): string[] {
  const bases = images.map(serviceAlias)
  const taken = new Set(bases)
  const used = new Set<string>()
  return bases.map(base => {
    if (!used.has(base)) {
      used.add(base)
      return base
    }
    for (let n = 2; ; n++) {
      const suffix = `-${n}`
      const candidate = base.slice(0, MAX_DNS_LABEL - suffix.length) + suffix
      if (!used.has(candidate) && !taken.has(candidate)) {
        used.add(candidate)
        return candidate
      }
    }
  })
}
