// imageExists against small local registries (node:http): Basic auth, the bearer-token dance,
// a missing tag, and a registry that is not there.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { imageExists, type ImageQuery } from '../../src/image-build/image-exists'

const creds = { username: 'u', password: 'p' }
const basic = `Basic ${Buffer.from('u:p').toString('base64')}`
let server: Server
let registry: string
const seen: string[] = []

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x')
  seen.push(`${req.method} ${url.pathname}${url.search}`)
  if (url.pathname === '/token') {
    const ok =
      req.headers.authorization === basic &&
      url.searchParams.get('scope') === 'repository:tok/app:pull'
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
    res.end(ok ? JSON.stringify({ token: 'T' }) : '{}')
    return
  }
  if (url.pathname.startsWith('/v2/tok/')) {
    if (req.headers.authorization !== 'Bearer T') {
      res.writeHead(401, {
        'www-authenticate': `Bearer realm="http://${registry}/token",service="reg",scope="repository:tok/app:pull"`
      })
      res.end()
      return
    }
  } else if (req.headers.authorization !== basic) {
    res.writeHead(401, { 'www-authenticate': 'Basic realm="reg"' })
    res.end()
    return
  }
  res.writeHead(url.pathname.endsWith('/manifests/there') ? 200 : 404)
  res.end()
}

beforeAll(async () => {
  server = createServer(handle)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  registry = `127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

function query(overrides: Partial<ImageQuery>): ImageQuery {
  return {
    registry,
    repository: 'actions/app',
    tag: 'there',
    insecure: true,
    credentials: creds,
    signal: new AbortController().signal,
    ...overrides
  }
}

describe('imageExists', () => {
  test('Basic credentials: a tag that is there, and one that is not', async () => {
    expect(await imageExists(query({}))).toBe(true)
    expect(await imageExists(query({ tag: 'missing' }))).toBe(false)
    expect(await imageExists(query({ credentials: undefined }))).toBe(false)
  })

  test('a bearer challenge is answered with a token for the repository', async () => {
    seen.length = 0
    expect(await imageExists(query({ repository: 'tok/app' }))).toBe(true)
    expect(seen).toEqual([
      'HEAD /v2/tok/app/manifests/there',
      'GET /token?service=reg&scope=repository%3Atok%2Fapp%3Apull',
      'HEAD /v2/tok/app/manifests/there'
    ])
  })

  test('an unreachable registry means "build it"; a cancelled step still throws', async () => {
    expect(await imageExists(query({ registry: '127.0.0.1:1' }))).toBe(false)
    expect(await imageExists(query({ insecure: false }))).toBe(false)
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    await expect(imageExists(query({ signal: controller.signal }))).rejects.toThrow('cancelled')
  })
})
