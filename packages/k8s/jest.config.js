const base = require('../../jest.config.base.js')

module.exports = {
  ...base,
  transform: { ...base.transform, '^.+\\.m?js$': '<rootDir>/jest.esm-transform.js' },
  transformIgnorePatterns: [],
  // The cluster tests share one runner pod (runner-0) and its work volume: one file at a time.
  maxWorkers: 1
}
