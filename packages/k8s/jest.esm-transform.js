// @kubernetes/client-node and some of its dependencies are ES modules, which Jest on Node 20
// cannot require(): esbuild (already used for the bundle) rewrites them to CommonJS for tests.
const { transformSync } = require('esbuild')

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      format: 'cjs',
      loader: 'js',
      target: 'node20',
      sourcefile: sourcePath,
      sourcemap: 'inline'
    })
    return { code, map }
  }
}
