/** `npm run test:terraform`: terraform validate and terraform test (mocked AWS provider) on every AWS stack of every fixture. */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/terraform.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
};
