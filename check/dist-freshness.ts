/**
 * Is dist/ what the config synthesizes today? A commit that changes platform.yaml without
 * re-running the synth ships stale manifests to Argo CD. Rendering is in memory (about a second),
 * so `npm run check` can afford to compare every file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PlatformNames } from '../config';
import { renderEnvironment } from '../charts/platform';

function filesUnder(root: string, dir = ''): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? filesUnder(root, path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Files under `distRoot` (relative, sorted) that are changed, missing or extra compared with a fresh synth. */
export function staleDistFiles(names: PlatformNames, distRoot: string): string[] {
  const expected = new Map<string, string>();
  for (const env of names.environments) {
    for (const [file, content] of renderEnvironment(env)) expected.set(path.join(env.env, file), content);
  }
  const present = new Set(filesUnder(distRoot));
  const stale = [...expected].filter(([file, content]) => !present.has(file) || fs.readFileSync(path.join(distRoot, file), 'utf8') !== content).map(([file]) => file);
  const extra = [...present].filter((file) => !expected.has(file));
  return [...stale, ...extra].sort();
}
