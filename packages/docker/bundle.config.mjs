// esbuild options merged into scripts/bundle.mjs for this package. dockerode pulls in ssh2
// (ssh:// engines only) and @grpc + protobufjs (BuildKit sessions only); neither path is used
// by the hook, so they are replaced by stubs that fail with a clear message if ever reached.
import { fileURLToPath } from 'node:url'

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
      }
    }
  ]
}
