/**
 * A stand-in Docker engine on a Unix socket that records the container create requests a client
 * sends (DOCKER_HOST=unix://…). Alone it answers them with a fake container id, so the Docker CLI
 * can be asked what body it builds for any flags without creating anything; with `forwardTo` it
 * passes every request on to the real engine and its answer back (what did our hook send?).
 */
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'

export interface RecordedCreate {
  /** Path and query, e.g. `/v1.41/containers/create?platform=linux%2Farm64`. */
  url: string
  body: Record<string, unknown>
}

export interface CliRecorder {
  creates: RecordedCreate[]
  close: () => Promise<void>
}

const HEADERS = {
  'Api-Version': '1.41',
  'Content-Type': 'application/json',
  Ostype: 'linux',
  'Docker-Experimental': 'false'
}

function forward(engine: string, req: IncomingMessage, body: string, res: ServerResponse): void {
  const upstream = request(
    { socketPath: engine, method: req.method, path: req.url, headers: req.headers },
    answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    }
  )
  upstream.on('error', err => {
    res.writeHead(502, HEADERS)
    res.end(JSON.stringify({ message: `recorder: ${err.message}` }))
  })
  upstream.end(body)
}

export async function startCliRecorder(
  socketPath: string,
  forwardTo?: string
): Promise<CliRecorder> {
  const creates: RecordedCreate[] = []
  const server: Server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString()))
    req.on('end', () => {
      const url = req.url ?? ''
      if (forwardTo !== undefined) {
        if (url.includes('/containers/create'))
          creates.push({ url, body: JSON.parse(text) as Record<string, unknown> })
        return forward(forwardTo, req, text, res)
      }
      const answer = (status: number, body: unknown): void => {
        res.writeHead(status, HEADERS)
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body))
      }
      if (url.endsWith('/_ping')) return answer(200, 'OK')
      if (url.includes('/containers/create')) {
        creates.push({ url, body: JSON.parse(text) as Record<string, unknown> })
        return answer(201, { Id: '0123456789abcdef', Warnings: [] })
      }
      // `--pull always`: the CLI asks for the default registry, then pulls.
      if (url.endsWith('/info'))
        return answer(200, { IndexServerAddress: 'https://index.docker.io/v1/' })
      if (url.includes('/images/create')) return answer(200, { status: 'pulled' })
      answer(404, { message: `the recorder does not answer ${req.method} ${url}` })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, resolve)
  })
  return {
    creates,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}
