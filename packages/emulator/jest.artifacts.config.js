// The release artifacts and the npm packages as a user gets them (test/artifacts): slow, and
// they need the Docker engine and the local cluster, so apart from the unit suite.
module.exports = {
  ...require('../../jest.config.base.js'),
  testMatch: ['<rootDir>/test/artifacts/**/*.test.ts']
}
