#!/usr/bin/env node
// Bundles one hook package into a single self-contained dist/index.js (see docs/adrs/0001).
import { build } from 'esbuild'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildInfo } from './build-info.mjs'
import { withCompileCache } from './bundle-loader.mjs'

const pkgDir = resolve(process.argv[2] ?? '.')
const minNodeMajor = 20
// `container-hooks-<name> <version> (<commit>)`: `--version` prints it, every command's first
// debug line says it (CONTAINER_HOOKS_BUILD in the hook's source).
const identity = buildInfo(basename(pkgDir))

// Runs before any bundled module is evaluated, in syntax every Node can parse, so an old Node
// gets one clear line instead of a syntax error deep in the bundle.
const nodeCheck = `(function(){var m=+process.versions.node.split('.')[0];if(m<${minNodeMajor}){process.stdout.write('::error::This container hook needs Node.js ${minNodeMajor} or newer; it was started with Node.js '+process.versions.node+'. Use the runner\\'s own node (externals/node20 or externals/node24).\\n');process.exit(1)}})();`

// zod re-exports all its message locales (~260 kB minified); hooks use only the English default.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
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

// Optional per-package esbuild options (e.g. plugins that stub unused dependencies).
const configFile = resolve(pkgDir, 'bundle.config.mjs')
const {
  plugins = [],
  front,
  ...packageOptions
} = existsSync(configFile) ? (await import(pathToFileURL(configFile).href)).default : {}
const outfile = resolve(pkgDir, 'dist/index.js')

const common = {
  bundle: true,
  platform: 'node',
  target: `node${minNodeMajor}`,
  format: 'cjs',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  tsconfig: resolve(pkgDir, 'tsconfig.json'),
  banner: { js: nodeCheck },
  logLevel: 'warning',
  define: { CONTAINER_HOOKS_BUILD: JSON.stringify(identity) },
  ...packageOptions,
  plugins: [zodEnglishOnly, ...plugins]
}
await build({ ...common, entryPoints: [resolve(pkgDir, 'src/index.ts')], outfile })
// The package's front (bundle-loader.mjs), if it has one: its own small bundle, no banner.
const frontCode =
  front === undefined
    ? undefined
    : (await build({ ...common, entryPoints: [resolve(pkgDir, front)], banner: {}, write: false }))
        .outputFiles[0].text

// The banner is the first line; the rest is wrapped so V8's compiled code is reused between
// runs (bundle-loader.mjs): the runner starts a hook once per step.
const text = readFileSync(outfile, 'utf8')
const newline = text.indexOf('\n')
writeFileSync(
  outfile,
  withCompileCache(text.slice(0, newline), text.slice(newline + 1), frontCode, identity)
)
