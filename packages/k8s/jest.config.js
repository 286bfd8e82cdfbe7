const base = require('../../jest.config.base.js')

module.exports = {
  ...base,
  transform: { ...base.transform, '^.+\\.m?js$': '<rootDir>/jest.esm-transform.js' },
  transformIgnorePatterns: [],
  // Restarts the cluster's kube-apiserver: only through jest.disruptive.config.js, on its own.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/lost-stream.test.ts'],
  // The cluster tests share one runner pod (runner-0) and its work volume: one file at a time.
  maxWorkers: 1
}
