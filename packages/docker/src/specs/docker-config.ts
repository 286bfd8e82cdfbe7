/**
 * PURE: what the Docker CLI takes from its config.json: where it finds credentials for an image
 * when none are given (the registry key of the image; credHelpers[key], else credsStore, else
 * auths, as docker/cli's credential stores choose), and the proxy variables it adds to containers.
 */
import { InputError } from '@container-hooks/hooklib'
import { DOCKER_HUB, type AuthConfig } from './pull-policy'

export type CredentialSource =
  | { kind: 'helper'; helper: string; server: string }
  | { kind: 'auths'; auth: AuthConfig; key: string }

interface ProxyConfig {
  httpProxy?: string
  httpsProxy?: string
  noProxy?: string
  ftpProxy?: string
}

interface ConfigFile {
  proxies?: Record<string, ProxyConfig>
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string }
  >
  credsStore?: string
  credHelpers?: Record<string, string>
}

/** The CLI's auth key for an image: the registry host, or Docker Hub's index URL. */
export function registryKey(image: string): string {
  const slash = image.indexOf('/')
  const first = slash < 0 ? '' : image.slice(0, slash)
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost'
  if (!isHost || first === 'docker.io' || first === 'index.docker.io') return DOCKER_HUB
  return first
}

/** `https://host:5000/v1/` → `host:5000`: the CLI matches older auths keys this way. */
function hostname(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0]
}

function fromAuths(file: ConfigFile, key: string, path: string): CredentialSource | undefined {
  const auths = file.auths ?? {}
  const found =
    key in auths
      ? key
      : Object.keys(auths).find(
          k => hostname(k) === key || (key === DOCKER_HUB && hostname(k) === 'index.docker.io')
        )
  if (found === undefined) return undefined
  const entry = auths[found]
  let { username = '', password = '' } = entry
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0)
      throw new InputError(`${path}: auths["${found}"].auth is not base64 of user:password`)
    ;[username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
  }
  const auth: AuthConfig = { username, password, serveraddress: key }
  if (entry.identitytoken) auth.identitytoken = entry.identitytoken
  return username === '' && password === '' && !entry.identitytoken
    ? undefined
    : { kind: 'auths', auth, key: found }
}

function parse(text: string, path: string): ConfigFile {
  try {
    return JSON.parse(text) as ConfigFile
  } catch {
    // Not the parser's message: it quotes the text around the error, which may be a secret.
    throw new InputError(`${path} is not valid JSON; fix it or point DOCKER_CONFIG elsewhere`)
  }
}

const PROXY_VARIABLES: Array<[keyof ProxyConfig, string]> = [
  ['httpProxy', 'HTTP_PROXY'],
  ['httpsProxy', 'HTTPS_PROXY'],
  ['noProxy', 'NO_PROXY'],
  ['ftpProxy', 'FTP_PROXY']
]

/**
 * The variables the CLI adds to every container it creates from config.json's `proxies` (the
 * entry for the engine's address, else "default"), each in upper and lower case.
 */
export function proxyEnv(text: string, path: string, engineUrl: string): Record<string, string> {
  const proxies = parse(text, path).proxies ?? {}
  const config = proxies[engineUrl] ?? proxies.default ?? {}
  const env: Record<string, string> = {}
  for (const [key, name] of PROXY_VARIABLES) {
    const value = config[key]
    if (value) Object.assign(env, { [name]: value, [name.toLowerCase()]: value })
  }
  return env
}

/** `text` is config.json's content; `path` names it in errors. */
export function credentialSource(
  text: string,
  path: string,
  image: string
): CredentialSource | undefined {
  const file = parse(text, path)
  const key = registryKey(image)
  const helper = file.credHelpers?.[key] ?? file.credsStore
  if (helper) return { kind: 'helper', helper, server: key }
  return fromAuths(file, key, path)
}

/** A credential helper's answer to `get` (docker-credential-helpers' protocol). */
export function helperAuth(output: string, server: string): AuthConfig | undefined {
  const answer = JSON.parse(output) as { Username?: string; Secret?: string }
  if (!answer.Secret) return undefined
  // "<token>" is the helpers' way to hand over an identity token instead of a password.
  if (answer.Username === '<token>')
    return { username: '', password: '', serveraddress: server, identitytoken: answer.Secret }
  return { username: answer.Username ?? '', password: answer.Secret, serveraddress: server }
}
