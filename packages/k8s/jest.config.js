const base = require('../../jest.config.base.js')

module.exports = {
  ...base,
  transform: { ...base.transform, '^.+\\.m?js$': '<rootDir>/jest.esm-transform.js' },
  transformIgnorePatterns: []
}
