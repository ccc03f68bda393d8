/**
 * Jest setup (jest.config.js `setupFiles`): the suite tests the generator on test/fixtures/, never
 * on the user's own platform.yaml. A test that reads it fails here, loudly, so a user who replaces
 * platform.yaml with their own valid config keeps a green `npm test` (their gate is `npm run check`).
 * Subprocesses the tests start get an explicit PLATFORM_CONFIG for the same reason.
 */
import * as path from 'path';

// The module object itself (not an ES-module view of it), so the patch reaches every importer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fs = require('fs') as typeof import('fs');

/** The user's config, which no test may read. */
export const USER_CONFIG = path.resolve(__dirname, '..', '..', 'platform.yaml');

export class UserConfigReadError extends Error {}

function guard<F extends (...args: any[]) => any>(original: F): F {
  return function (this: unknown, file: unknown, ...rest: unknown[]) {
    if ((typeof file === 'string' || file instanceof URL || Buffer.isBuffer(file)) && path.resolve(String(file instanceof URL ? file.pathname : file)) === USER_CONFIG) {
      throw new UserConfigReadError(`a test read ${USER_CONFIG}, the user's own config: test the generator on test/fixtures/configs/ instead (test/harness/fixtures.ts)`);
    }
    return original.call(this, file, ...rest);
  } as F;
}

const patched = fs as unknown as Record<string, unknown> & { __userConfigGuard?: boolean };
if (!patched.__userConfigGuard) {
  patched.__userConfigGuard = true;
  for (const name of ['readFileSync', 'openSync', 'readFile', 'open', 'createReadStream'] as const) {
    patched[name] = guard(patched[name] as (...args: any[]) => any);
  }
  const promises = fs.promises as unknown as Record<string, unknown>;
  for (const name of ['readFile', 'open'] as const) promises[name] = guard(promises[name] as (...args: any[]) => any);
}
