// esbuild options merged into scripts/bundle.mjs for this package: keep the bundle lean so the
// hook starts fast (docs/benchmarks.md, Kubernetes section).
// - client-node's KubeConfig imports the whole generated API (every model) for makeApiClient(),
//   which the hook does not use (src/kube/client.ts talks to the API itself): stubbed.
// - openid-client (kubeconfig `auth-provider: oidc` only) initialises WebCrypto at load: stubbed.
// - socks-proxy-agent and jsonpath-plus (socks5 proxies, azure/gcp auth-providers): stubbed.
// scripts/bundle.mjs itself keeps only zod's English locale and adds the V8 compile cache.
// - node-fetch, pulled in for its Headers class, requires `encoding` (iconv-lite, ~490 kB) inside
//   a try/catch and whatwg-url (tr46, ~290 kB) only when Node lacks a global URL: both stubbed
//   (an external `encoding` was searched for, and loaded when found, at every start).
// - ws's optional native addons (bufferutil, utf-8-validate): stubbed as missing.
import { fileURLToPath } from 'node:url'

const stub = name => fileURLToPath(new URL(`./bundle-stubs/${name}.js`, import.meta.url))

export default {
  // src/front.ts runs first and loads the hook (src/index.ts) only when a step needs it.
  front: 'src/front.ts',
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
        build.onResolve({ filter: /^encoding$/ }, () => ({ path: stub('encoding') }))
        build.onResolve({ filter: /^(bufferutil|utf-8-validate)$/ }, () => ({
          path: stub('ws-native')
        }))
        build.onResolve({ filter: /^openid-client$/ }, () => ({ path: stub('openid-client') }))
        build.onResolve({ filter: /^(socks-proxy-agent|jsonpath-plus)$/ }, () => ({
          path: stub('unsupported-auth')
        }))
      }
    }
  ]
}
