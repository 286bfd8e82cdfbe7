// esbuild options merged into scripts/bundle.mjs for this package.
// - dockerode pulls in ssh2 (ssh:// engines only) and @grpc + protobufjs (BuildKit sessions
//   only); the hook uses neither, so they become a stub that fails with a clear message.
// - zod re-exports all its message locales (~260 kB minified); hooks use only the English default.
// - Modules dockerode needs only on rare paths (https for tcp+TLS engines; zlib and tar-fs v2
//   for packing a build context folder) are loaded on first use instead of at start.
// - The output is wrapped so V8's compiled code is reused between runs (bundle-loader.mjs).
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { withCompileCache } from './bundle-loader.mjs'

const stub = fileURLToPath(new URL('./bundle-stubs/unsupported.js', import.meta.url))

// [module, directory of the importers it is made lazy for]
const LAZY = [
  ['https', /docker-modem[\\/]lib$/],
  ['zlib', /dockerode[\\/]lib$/],
  ['tar-fs', /dockerode[\\/]lib$/]
]

export default {
  plugins: [
    {
      name: 'docker-hook-stubs',
      setup(build) {
        build.onResolve({ filter: /^ssh2$/ }, () => ({ path: stub }))
        build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, args =>
          /dockerode[\\/]lib$/.test(args.resolveDir) ? { path: stub } : undefined
        )
        build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, args =>
          /zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
            ? { path: join(dirname(args.resolveDir), 'locales/index.js'), namespace: 'zod-locales' }
            : undefined
        )
        build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, args => ({
          contents: "export { default as en } from './en.js'",
          resolveDir: dirname(args.path)
        }))
        for (const [name, importers] of LAZY) {
          build.onResolve({ filter: new RegExp(`^${name}$`) }, args =>
            args.namespace === 'file' && importers.test(args.resolveDir)
              ? { path: name, namespace: 'lazy', pluginData: args.resolveDir }
              : undefined
          )
        }
        build.onLoad({ filter: /.*/, namespace: 'lazy' }, args => ({
          contents: `var m; function load() { return m || (m = require(${JSON.stringify(args.path)})) }
module.exports = new Proxy({}, { get: function (_, k) { return load()[k] }, has: function (_, k) { return k in load() } })`,
          resolveDir: args.pluginData
        }))
        build.onEnd(result => {
          const outfile = build.initialOptions.outfile
          if (result.errors.length > 0 || !outfile) return
          const text = readFileSync(outfile, 'utf8')
          const newline = text.indexOf('\n')
          writeFileSync(outfile, withCompileCache(text.slice(0, newline), text.slice(newline + 1)))
        })
      }
    }
  ]
}
