/** Type checking is `tsc --noEmit` (first half of `npm test`); jest only transpiles, which keeps it fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Says in one line when the schemas are missing, and fails under CI=true.
  globalSetup: '<rootDir>/test/harness/schema-gate.ts',
};
