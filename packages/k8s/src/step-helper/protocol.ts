/**
 * How a step helper is started, and the framing on its socket: a type byte, a 32-bit big-endian
 * length, the payload. Output stays binary and in order, and a cancel can follow a request on
 * the same connection.
 */

/** The argument that makes the bundle a step helper: `node index.js --step-helper <pod>`. */
export const HELPER_ARG = '--step-helper'

/** Frame types: client to helper, then helper to client. */
export const FRAME = {
  /** JSON {input, env}: run this hook input (one line of the runner's stdin) with this env. */
  request: 0x71,
  /** A signal name the client received: cancel the running command. */
  cancel: 0x63,
  /** Finish the commands in progress, then exit. */
  stop: 0x73,
  /** JSON: the job's saved state. Run the exec path once (prepare_job, once the pod runs). */
  warm: 0x77,
  stdout: 0x01,
  stderr: 0x02,
  /** The command's exit code, in decimal; the last frame. */
  exit: 0x03,
  /** Not run here (the request names another cluster): the client runs it itself. */
  decline: 0x04
} as const

/**
 * What picks the cluster and the credentials (client-node's KubeConfig.loadFromDefault reads
 * them from the process's env): a helper runs only requests whose env agrees with its own.
 */
const CLUSTER_ENV = ['KUBECONFIG', 'HOME', 'KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT']

export function sameCluster(a: NodeJS.ProcessEnv, b: NodeJS.ProcessEnv): boolean {
  return CLUSTER_ENV.every(name => a[name] === b[name])
}

const HEADER = 5

export interface Frame {
  type: number
  payload: Buffer
}

export function frame(type: number, payload: Buffer | string = ''): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload
  const header = Buffer.alloc(HEADER)
  header[0] = type
  header.writeUInt32BE(data.length, 1)
  return Buffer.concat([header, data])
}

/** Cuts a byte stream back into frames, whatever the chunking. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: Frame[] = []
    while (this.pending.length >= HEADER) {
      const end = HEADER + this.pending.readUInt32BE(1)
      if (this.pending.length < end) break
      frames.push({ type: this.pending[0], payload: this.pending.subarray(HEADER, end) })
      this.pending = this.pending.subarray(end)
    }
    return frames
  }
}
