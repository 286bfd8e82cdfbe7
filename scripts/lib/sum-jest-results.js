// Sums jest --json result files and extra check counts into the CI's closing line; exits 1 on any
// failure or when no test ran at all.
const fs = require('node:fs')
const path = require('node:path')

const [dir, extraPassed, extraFailed] = process.argv.slice(2)
let passed = Number(extraPassed)
let failed = Number(extraFailed)
for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.json'))) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))
  passed += r.numPassedTests
  // A suite that fails to load has no failed tests but must still count as a failure.
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites
  if (r.numPendingTests + r.numTodoTests > 0) {
    console.log(
      `${file}: ${r.numPendingTests + r.numTodoTests} skipped or todo tests count as failed`
    )
    failed += r.numPendingTests + r.numTodoTests
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
