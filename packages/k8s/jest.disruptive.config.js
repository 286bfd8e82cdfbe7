// Tests that disturb the shared local cluster (they restart the kube-apiserver). Run them on
// their own, when no other cluster test runs: npx jest -c jest.disruptive.config.js
const config = require('./jest.config.js')

module.exports = {
  ...config,
  testMatch: ['<rootDir>/test/cluster/lost-stream.test.ts'],
  testPathIgnorePatterns: ['/node_modules/']
}
