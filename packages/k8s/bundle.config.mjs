// esbuild options merged into scripts/bundle.mjs for this package: keep the bundle lean so the
// hook starts fast (docs/benchmarks.md, Kubernetes section).
// - client-node's KubeConfig imports the whole generated API (every model) for makeApiClient(),
//   which the hook does not use (src/kube/client.ts talks to the API itself): stubbed.
// - openid-client (kubeconfig `auth-provider: oidc` only) initialises WebCrypto at load: stubbed.
// - socks-proxy-agent and jsonpath-plus (socks5 proxies, azure/gcp auth-providers): stubbed.
// - The output is wrapped so V8's compiled code is reused between runs: the Docker hook's
//   bundle-loader.mjs (docs/docker.md#bundle), shared rather than copied.
// - node-fetch, pulled in for its Headers class, requires `encoding` (iconv-lite, ~490 kB) inside
//   a try/catch and whatwg-url (tr46, ~290 kB) only when Node lacks a global URL: dropped/stubbed.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { withCompileCache } from '../docker/bundle-loader.mjs'

const stub = name => fileURLToPath(new URL(`./bundle-stubs/${name}.js`, import.meta.url))

export default {
  external: ['encoding'],
  plugins: [
    {
      name: 'k8s-hook-stubs',
      setup(build) {
        build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, args =>
          /client-node[\\/]dist$/.test(args.resolveDir)
            ? { path: stub('client-node-gen') }
            : undefined
        )
        build.onResolve({ filter: /^whatwg-url$/ }, () => ({ path: stub('whatwg-url') }))
        build.onEnd(result => {
          const outfile = build.initialOptions.outfile
          if (result.errors.length > 0 || !outfile) return
          const text = readFileSync(outfile, 'utf8')
          const newline = text.indexOf('\n')
          writeFileSync(outfile, withCompileCache(text.slice(0, newline), text.slice(newline + 1)))
        })
        build.onResolve({ filter: /^openid-client$/ }, () => ({ path: stub('openid-client') }))
        build.onResolve({ filter: /^(socks-proxy-agent|jsonpath-plus)$/ }, () => ({
          path: stub('unsupported-auth')
        }))
      }
    }
  ]
}
