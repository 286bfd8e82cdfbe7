module.exports = {
  ...require('../../jest.config.base.js'),
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 90 } }
}
