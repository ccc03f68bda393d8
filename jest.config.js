/** Type checking is `tsc --noEmit` (first half of `npm test`); jest only transpiles, which keeps it fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The Terraform suite (terraform validate and test on every AWS stack, ~2 minutes) is
  // `npm run test:terraform` (jest.terraform.config.js); CI runs both.
  testPathIgnorePatterns: ['/node_modules/', '/test/terraform\\.test\\.ts$'],
  // Every core: jest's default leaves one idle, which on a 2-core machine halves the suite's speed.
  maxWorkers: '100%',
  // Tests run on test/fixtures/, never on the user's platform.yaml (a read of it fails the test).
  setupFiles: ['<rootDir>/test/harness/no-user-files.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  // Says in one line when the schemas are missing, and fails under CI=true.
  globalSetup: '<rootDir>/test/harness/schema-gate.ts',
};
