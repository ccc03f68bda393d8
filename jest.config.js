/** Type checking is `tsc --noEmit` (first half of `npm test`); jest only transpiles, which keeps it fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Tests run on test/fixtures/, never on the user's platform.yaml (a read of it fails the test).
  setupFiles: ['<rootDir>/test/harness/no-user-files.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Says in one line when the schemas are missing, and fails under CI=true.
  globalSetup: '<rootDir>/test/harness/schema-gate.ts',
};
