/** PURE: the response's `ports` from the engine's NetworkSettings.Ports. */

type EnginePorts = Record<string, Array<{ HostIp: string; HostPort: string }> | null> | undefined

/** `{"8080/tcp": "32768"}`: one host port per published container port (IPv4 first). */
export function publishedPorts(ports: EnginePorts): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [containerPort, bindings] of Object.entries(ports ?? {})) {
    const binding = bindings?.find(b => !b.HostIp.includes(':')) ?? bindings?.[0]
    if (binding?.HostPort) out[containerPort] = binding.HostPort
  }
  return out
}
