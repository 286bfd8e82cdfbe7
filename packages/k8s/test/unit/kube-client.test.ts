// The API client and exec against REAL local HTTP and WebSocket servers that answer the way the
// Kubernetes API does (403s, a status-less close, silence), which a live cluster cannot be made to do on cue.
import { createServer, type Server } from 'node:http'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { PassThrough } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { KubeApiError, KubeClient } from '../../src/kube/client'
import { exec, LostConnectionError } from '../../src/kube/exec'

let server: Server
let wss: WebSocketServer
let onSocket: (ws: WebSocket, url: string) => void
let client: KubeClient

beforeAll(async () => {
  server = createServer((req, res) => {
    const [status, body] =
      req.url === '/api/v1/namespaces/ns/pods' && req.method === 'POST'
        ? [
            403,
            {
              kind: 'Status',
              message:
                'pods is forbidden: User "system:serviceaccount:ns:hook" cannot create resource "pods"'
            }
          ]
        : [404, { kind: 'Status', message: 'pods "x" not found' }]
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
  })
  wss = new WebSocketServer({
    server,
    handleProtocols: () => 'v5.channel.k8s.io',
    verifyClient: (info, done) =>
      info.req.url?.includes('/pods/forbidden/')
        ? done(false, 403, 'cannot create resource "pods/exec"')
        : done(true)
  })
  wss.on('connection', (ws, req) => onSocket(ws, req.url ?? ''))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  client = new KubeClient({ server: `http://127.0.0.1:${port}`, options: {} }, 'ns')
})

afterAll(async () => {
  for (const socket of wss.clients) socket.terminate()
  wss.close()
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const frame = (channel: number, text: string): Buffer =>
  Buffer.concat([Buffer.from([channel]), Buffer.from(text)])

function run(overrides: Partial<Parameters<typeof exec>[1]> = {}) {
  const stdout = new PassThrough()
  let out = ''
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const result = exec(client, {
    pod: 'p',
    container: 'job',
    command: ['sh', '-c', 'x y'],
    stdout,
    stderr: new PassThrough().resume(),
    what: 'the step',
    ...overrides
  })
  return { result, output: () => out }
}

/** `true` in pod p through `through`: how it ends is what counts. */
const execTrue = (through: KubeClient): Promise<number> =>
  exec(through, {
    pod: 'p',
    container: 'job',
    command: ['true'],
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    what: 'the step'
  })

/** A server that accepts TCP connections and never answers: a black-holed connection. */
async function withSilentServer(use: (port: number) => Promise<void>): Promise<void> {
  const accepted: Socket[] = []
  const silent = createNetServer(socket => accepted.push(socket.on('error', () => undefined)))
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
  try {
    await use((silent.address() as AddressInfo).port)
  } finally {
    for (const socket of accepted) socket.destroy()
    await new Promise(resolve => silent.close(resolve))
  }
}

describe('KubeClient', () => {
  test('a 403 names the verb and the resource to grant', async () => {
    const call = client.call('POST', 'pods', { verb: 'create', resource: 'pods' }, {})
    await expect(call).rejects.toThrow(KubeApiError)
    await expect(call).rejects.toThrow(
      /refused to create pods in namespace ns .*Grant "create" on "pods"/
    )
  })

  test('other failures carry the API message and the status', async () => {
    const call = client.call('GET', 'pods/x', { verb: 'get', resource: 'pods' })
    await expect(call).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('pods "x" not found') as string
    })
  })

  test('a call on a black-holed connection fails once it has been silent for the bound', async () => {
    await withSilentServer(async port => {
      const blackHole = new KubeClient({ server: `http://127.0.0.1:${port}`, options: {} }, 'ns', {
        callIdleMs: 300
      })
      const started = Date.now()
      // Status 0: a connection failure, which the callers retry within their bounds.
      const failure = await blackHole
        .call('GET', 'pods/x', { verb: 'get', resource: 'pods' })
        .catch((err: unknown) => err)
      expect(failure).toBeInstanceOf(KubeApiError)
      expect(failure).toHaveProperty('status', 0)
      expect(String(failure)).toMatch(/Cannot reach the Kubernetes API at .*: no answer for 0.3 s/)
      expect(Date.now() - started).toBeLessThan(3_000)
    })
  })

  test('an unreachable server is one clear error', async () => {
    const dead = new KubeClient({ server: 'http://127.0.0.1:1', options: {} }, 'ns')
    await expect(dead.call('GET', 'pods', { verb: 'list', resource: 'pods' })).rejects.toThrow(
      /Cannot reach the Kubernetes API at http:\/\/127.0.0.1:1/
    )
  })
})

describe('exec', () => {
  test('streams output, sends stdin, and returns the exit code from the status channel', async () => {
    onSocket = (ws, url) => {
      expect(url).toContain('command=sh&command=-c&command=x+y')
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) ws.send(frame(1, `got ${data.subarray(1).toString()}`))
        if (data[0] === 255) {
          ws.send(
            frame(
              3,
              JSON.stringify({
                status: 'Failure',
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: '3' }] }
              })
            )
          )
        }
      })
    }
    const { result, output } = run({ stdin: Buffer.from('hello') })
    await expect(result).resolves.toBe(3)
    expect(output()).toBe('got hello')
  })

  test('stdin goes out in frames with an all-zero mask key, which ws does not XOR', async () => {
    const onWire: Buffer[] = []
    onSocket = ws => {
      const socket = (ws as unknown as { _socket: Socket })._socket
      socket.on('data', (chunk: Buffer) => onWire.push(chunk))
      ws.on('message', (data: Buffer) => {
        if (data[0] === 255) ws.send(frame(3, JSON.stringify({ status: 'Success' })))
      })
    }
    await expect(run({ stdin: Buffer.from('hello') }).result).resolves.toBe(0)
    const first = Buffer.concat(onWire)
    // Byte 1: the mask bit and a 7-bit length (6: the channel byte and "hello").
    expect(first[1]).toBe(0x80 | 6)
    expect([...first.subarray(2, 6)]).toEqual([0, 0, 0, 0])
    expect(first.subarray(6, 12).toString('latin1')).toBe('\x00hello')
  })

  test('a stream that closes without an exit status is a failure, never a success', async () => {
    onSocket = ws => {
      ws.send(frame(1, 'partial output'))
      setTimeout(() => ws.close(), 50)
    }
    const { result, output } = run()
    await expect(result).rejects.toThrow(LostConnectionError)
    await expect(result).rejects.toThrow(
      /Lost the connection to the pod while the step was running/
    )
    expect(output()).toBe('partial output')
  })

  test('a connection that stops answering pings is detected as dead', async () => {
    onSocket = ws => {
      // Stop reading: pongs never come back, as with a silently dropped connection.
      ws.pause()
    }
    const started = Date.now()
    const { result } = run({ pingIntervalMs: 100, deadAfterMs: 400 })
    await expect(result).rejects.toThrow(/no answer to pings/)
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  test('an upgrade that never comes (a black-holed connection) fails after the deadline', async () => {
    await withSilentServer(async port => {
      const blackHole = new KubeClient({ server: `http://127.0.0.1:${port}`, options: {} }, 'ns', {
        heartbeat: { periodMs: 100, deadlineMs: 400 }
      })
      const started = Date.now()
      const result = execTrue(blackHole)
      // Status 0: a connection failure, which a re-attach retries within its bound.
      const failure = await result.catch((err: unknown) => err)
      expect(failure).toBeInstanceOf(KubeApiError)
      expect(failure).toHaveProperty('status', 0)
      expect(String(failure)).toMatch(/Cannot exec in pod p: .*handshake has timed out/)
      expect(Date.now() - started).toBeLessThan(3_000)
    })
  })

  test("the client's heartbeat (ACTIONS_RUNNER_HEARTBEAT_*) bounds every exec", async () => {
    onSocket = ws => ws.pause()
    const beating = new KubeClient(client.conn, 'ns', {
      heartbeat: { periodMs: 100, deadlineMs: 300 }
    })
    const started = Date.now()
    const result = execTrue(beating)
    await expect(result).rejects.toThrow(/no answer to pings/)
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  test('a refused exec names pods/exec; an unreachable API is one clear error', async () => {
    const io = {
      container: 'c',
      command: ['true'],
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      what: 'the step'
    }
    await expect(exec(client, { pod: 'forbidden', ...io })).rejects.toThrow(
      /HTTP 403.*Grant "create" \(and "get"\) on "pods\/exec"/
    )
    const dead = new KubeClient({ server: 'http://127.0.0.1:1', options: {} }, 'ns')
    await expect(exec(dead, { pod: 'p', ...io })).rejects.toThrow(/Cannot exec in pod p/)
  })
})
