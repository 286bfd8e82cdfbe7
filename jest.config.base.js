// Shared by every package: TypeScript through ts-jest, and hooklib resolved from source so
// tests never depend on a previous build.
const path = require('node:path')

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }]
  },
  moduleNameMapper: {
    '^@container-hooks/hooklib$': path.join(__dirname, 'packages/hooklib/src/index.ts'),
    '^@container-hooks/hooklib/process-io$': path.join(
      __dirname,
      'packages/hooklib/src/process-io.ts'
    ),
    '^@container-hooks/emulator$': path.join(__dirname, 'packages/emulator/src/index.ts')
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json']
}
