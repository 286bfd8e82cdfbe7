#!/usr/bin/env node
// Bundles one hook package into a single self-contained dist/index.js (see docs/adrs/0001).
import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const pkgDir = resolve(process.argv[2] ?? '.')
const minNodeMajor = 20

// Runs before any bundled module is evaluated, in syntax every Node can parse, so an old Node
// gets one clear line instead of a syntax error deep in the bundle.
const nodeCheck = `(function(){var m=+process.versions.node.split('.')[0];if(m<${minNodeMajor}){process.stdout.write('::error::This container hook needs Node.js ${minNodeMajor} or newer; it was started with Node.js '+process.versions.node+'. Use the runner\\'s bundled node (externals/node24).\\n');process.exit(1)}})();`

// Optional per-package esbuild options (e.g. plugins that stub unused dependencies).
const configFile = resolve(pkgDir, 'bundle.config.mjs')
const packageOptions = existsSync(configFile)
  ? (await import(pathToFileURL(configFile).href)).default
  : {}

await build({
  entryPoints: [resolve(pkgDir, 'src/index.ts')],
  outfile: resolve(pkgDir, 'dist/index.js'),
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
  ...packageOptions
})
