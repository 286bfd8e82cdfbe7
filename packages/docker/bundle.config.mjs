// esbuild options merged into scripts/bundle.mjs for this package.
// - dockerode pulls in ssh2 (ssh:// engines only) and @grpc + protobufjs (BuildKit sessions
//   only); the hook uses neither, so they become a stub that fails with a clear message.
// - hooklib's index re-exports the runner emulator (zod schemas built at load time, yaml), which
//   a hook never calls: marking it side-effect free lets esbuild drop it when unused.
// - zod re-exports all its message locales (~260 kB minified); hooks use only the English default.
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const stub = fileURLToPath(new URL('./bundle-stubs/unsupported.js', import.meta.url))

export default {
  plugins: [
    {
      name: 'docker-hook-stubs',
      setup(build) {
        build.onResolve({ filter: /^ssh2$/ }, () => ({ path: stub }))
        build.onResolve({ filter: /^\.\/(session|buildkit)$/ }, args =>
          /dockerode[\\/]lib$/.test(args.resolveDir) ? { path: stub } : undefined
        )
        build.onResolve({ filter: /^\.\/emulator$/ }, args =>
          /hooklib[\\/]src$/.test(args.resolveDir)
            ? { path: join(args.resolveDir, 'emulator/index.ts'), sideEffects: false }
            : undefined
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
      }
    }
  ]
}
