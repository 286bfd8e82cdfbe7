module.exports = {
  ...require('../../jest.config.base.js'),
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/artifacts/'],
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 90 } }
}
