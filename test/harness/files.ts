/** The example config and file-tree helpers shared by the tests. */
import * as fs from 'fs';
import * as path from 'path';

/**
 * The shipped example, as a fixture (an exact copy of platform.yaml). Tests never read the user's
 * platform.yaml: a user who edits it keeps a green `npm test` (test/harness/no-user-files.ts).
 */
export const EXAMPLE_CONFIG = path.resolve(__dirname, '..', 'fixtures', 'configs', 'example.yaml');

/** Every file under `root` (sorted, recursive) whose name matches `name`; empty if root is missing. */
export function filesUnder(root: string, name: RegExp = /./): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = path.join(root, e.name);
      return e.isDirectory() ? filesUnder(p, name) : name.test(e.name) ? [p] : [];
    });
}
