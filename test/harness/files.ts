/** The example config and file-tree helpers shared by the tests. */
import * as fs from 'fs';
import * as path from 'path';

export const EXAMPLE_CONFIG = path.resolve(__dirname, '..', '..', 'platform.yaml');

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
