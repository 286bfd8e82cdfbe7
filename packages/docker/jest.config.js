// Engine tests spawn the bundle under the runner's Node 20, or its Node 24 with
// ACTIONS_RUNNER_FORCED_INTERNAL_NODE_VERSION=node24 (as the runner), against the real Docker
// engine that test/global-setup.ts brings up with the project's scripts (it fails, never skips,
// without one).
module.exports = {
  ...require('../../jest.config.base.js'),
  globalSetup: '<rootDir>/test/global-setup.ts',
  testTimeout: 120000,
  // Most of the time is spent waiting on the engine, so two files at a time even on 2 cores.
  maxWorkers: 2
}
