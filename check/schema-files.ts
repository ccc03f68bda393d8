/**
 * Where the pinned schema data (config/schemas.ts) is found on this machine. A folder qualifies
 * when it holds every pinned file, laid out as `k8s-schemas/v<version>_definitions.json` and
 * `crds/<file>`. Looked for, in order:
 *
 *   1. $PLATFORM_SHARED_DIR   set explicitly: used alone, and its gaps are reported
 *   2. ../shared              beside the clone (how CI provides it offline)
 *   3. .schemas/              the cache `npm run schemas` fills (gitignored)
 */
import * as fs from 'fs';
import * as path from 'path';
import { KUBERNETES_VERSIONS, pinnedCrdFiles } from '../config/schemas';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const SCHEMA_CACHE = path.join(PROJECT_ROOT, '.schemas');

export const k8sDefinitionsFile = (dir: string, version: string) => path.join(dir, 'k8s-schemas', `v${version}_definitions.json`);
export const crdFile = (dir: string, file: string) => path.join(dir, 'crds', file);

/** Every pinned file, relative to a schema folder. */
export function pinnedSchemaPaths(): string[] {
  return [
    ...KUBERNETES_VERSIONS.map((v) => path.relative('.', k8sDefinitionsFile('.', v))),
    ...pinnedCrdFiles().map((f) => path.relative('.', crdFile('.', f.file))),
  ];
}

export function missingSchemaFiles(dir: string): string[] {
  return pinnedSchemaPaths().filter((p) => !fs.existsSync(path.join(dir, p)));
}

export type SchemaLocation =
  | { readonly found: true; readonly dir: string }
  | { readonly found: false; readonly message: string };

/** The first complete schema folder, or one line saying what is missing and how to get it. */
export function locateSchemas(env: NodeJS.ProcessEnv = process.env): SchemaLocation {
  const howTo = 'run `npm run schemas` (downloads the pinned files into .schemas/) or set PLATFORM_SHARED_DIR to a folder with k8s-schemas/ and crds/';
  if (env.PLATFORM_SHARED_DIR) {
    const dir = path.resolve(env.PLATFORM_SHARED_DIR);
    const missing = missingSchemaFiles(dir);
    return missing.length === 0 ? { found: true, dir }
      : { found: false, message: `schemas missing: PLATFORM_SHARED_DIR=${dir} lacks ${missing.length} pinned files (first: ${missing[0]}); ${howTo}` };
  }
  const candidates = [path.resolve(PROJECT_ROOT, '..', 'shared'), SCHEMA_CACHE];
  const dir = candidates.find((d) => missingSchemaFiles(d).length === 0);
  return dir ? { found: true, dir }
    : { found: false, message: `schemas missing: neither ${candidates.map((d) => path.relative(process.cwd(), d) || '.').join(' nor ')} holds the pinned Kubernetes and CRD schemas; ${howTo}` };
}
