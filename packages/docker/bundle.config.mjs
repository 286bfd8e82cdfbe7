// esbuild options merged into scripts/bundle.mjs for this package.
// - dockerode pulls in ssh2 (ssh:// engines only) and @grpc + protobufjs (BuildKit sessions
//   only); the hook uses neither, so they become a stub that fails with a clear message.
// - Modules needed only on rare paths (https for tcp+TLS engines; zlib and tar-fs v2 for packing
//   a build context folder; crypto for ids and response files) are loaded on first use.
// scripts/bundle.mjs itself keeps only zod's English locale and adds the V8 compile cache.
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const stub = fileURLToPath(new URL('./bundle-stubs/unsupported.js', import.meta.url))

// [module, directory of the importers it is made lazy for]
const LAZY = [
  ['https', /docker-modem[\\/]lib$/],
  ['zlib', /dockerode[\\/]lib$/],
  ['tar-fs', /dockerode[\\/]lib$/]
]

// The same for the hooks' own ES modules, which import named functions: each becomes a
// function that loads the module on its first call. Keeps them off the script-step hot path
// (ADR 0002): tls is for TLS engines only, crypto (~7 ms to load) for ids and response files.
const LAZY_FUNCTIONS = [
  ['node:tls', /docker[\\/]src[\\/]driver$/],
  ['node:crypto', /(hooklib|docker)[\\/]src([\\/]\w+)?$/]
]

/** ESM source whose exported functions (and classes) forward to `name`, loaded on first use. */
async function lazyFunctions(name) {
  const real = await import(name)
  const exports = Object.keys(real)
    .filter(key => key !== 'default' && typeof real[key] === 'function')
    .map(
      key =>
        `export function ${key}(...a) { return new.target ? new (load().${key})(...a) : load().${key}.apply(this, a) }`
    )
  return [
    `var m; function load() { return m || (m = require(${JSON.stringify(name)})) }`,
    ...exports
  ].join('\n')
}

export default {
  plugins: [
    {
      name: 'docker-hook-stubs',
      setup(build) {
        build.onResolve({ filter: /^ssh2$/ }, () => ({ path: stub }))
        build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, args =>
          /dockerode[\\/]lib$/.test(args.resolveDir) ? { path: stub } : undefined
        )
        for (const [name, importers] of LAZY) {
          build.onResolve({ filter: new RegExp(`^${name}$`) }, args =>
            args.namespace === 'file' && importers.test(args.resolveDir)
              ? { path: name, namespace: 'lazy', pluginData: args.resolveDir }
              : undefined
          )
        }
        for (const [name, importers] of LAZY_FUNCTIONS) {
          build.onResolve({ filter: new RegExp(`^${name}$`) }, args =>
            args.namespace === 'file' && importers.test(args.resolveDir)
              ? { path: name, namespace: 'lazy-functions' }
              : undefined
          )
        }
        build.onLoad({ filter: /.*/, namespace: 'lazy-functions' }, async args => ({
          contents: await lazyFunctions(args.path),
          resolveDir: dirname(fileURLToPath(import.meta.url))
        }))
        build.onLoad({ filter: /.*/, namespace: 'lazy' }, args => ({
          contents: `var m; function load() { return m || (m = require(${JSON.stringify(args.path)})) }
module.exports = new Proxy({}, { get: function (_, k) { return load()[k] }, has: function (_, k) { return k in load() } })`,
          resolveDir: args.pluginData
        }))
      }
    }
  ]
}
