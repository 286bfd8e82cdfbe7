import { InputError } from './errors'

export interface PortMapping {
  containerPort: number
  /** Absent: the engine picks a free host port. */
  hostPort?: number
  hostIp?: string
  protocol: 'tcp' | 'udp' | 'sctp'
}

const PORT = '(\\d{1,5})'
const HOST_IP = '(\\[[0-9A-Fa-f:.]+\\]|\\d{1,3}(?:\\.\\d{1,3}){3})'
// [[HOST_IP:][HOST_PORT]:]CONTAINER_PORT[/PROTOCOL], as in `docker run -p`.
const MAPPING = new RegExp(
  `^(?:(?:${HOST_IP}:${PORT}?|${PORT}):)?${PORT}(?:/(tcp|udp|sctp))?$`,
  'i'
)

const FORMS =
  'expected PORT, HOST_PORT:PORT, IP:HOST_PORT:PORT or IP::PORT, optionally followed by /tcp, /udp or /sctp, with ports 1-65535'

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  return value >= 1 && value <= 65535 ? value : NaN
}

/** Parses one of the runner's raw `portMappings` entries ("8080:80/udp"). */
export function parsePortMapping(raw: string, field = 'portMappings'): PortMapping {
  const match = MAPPING.exec(raw.trim())
  const containerPort = port(match?.[4])
  const hostPort = port(match?.[2] ?? match?.[3])
  if (
    !match ||
    containerPort === undefined ||
    Number.isNaN(containerPort) ||
    Number.isNaN(hostPort)
  ) {
    throw new InputError(`Invalid ${field}: ${JSON.stringify(raw)}; ${FORMS}`)
  }
  const mapping: PortMapping = {
    containerPort,
    protocol: (match[5]?.toLowerCase() ?? 'tcp') as PortMapping['protocol']
  }
  if (hostPort !== undefined) mapping.hostPort = hostPort
  if (match[1] !== undefined) mapping.hostIp = match[1].replace(/^\[|\]$/g, '')
  return mapping
}
