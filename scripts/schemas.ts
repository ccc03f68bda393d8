/**
 * `npm run schemas`: downloads the schema files pinned in config/schemas.ts (Kubernetes OpenAPI
 * definitions per supported version, the operators' CRDs) into .schemas/, where `npm test` and
 * `npm run check` find them when there is no ../shared or PLATFORM_SHARED_DIR. Files already
 * there are kept; each file is written whole (rename) so an interrupted run leaves no half file.
 *
 *   SCHEMAS_BASE_URL  where raw files are served as <base>/<repo>/<commit>/<path>
 *                     (default https://raw.githubusercontent.com; a mirror works the same)
 *
 * `npm run schemas -- --check` downloads nothing: it says which folder will be used, or, in one
 * line, that none is complete, and exits 1 (CI runs it first so a missing ../shared fails loudly).
 */
import * as fs from 'fs';
import * as path from 'path';
import { KUBERNETES_SCHEMAS, KUBERNETES_VERSIONS, PinnedFile, pinnedCrdFiles } from '../config/schemas';
import { crdFile, k8sDefinitionsFile, locateSchemas, pinnedSchemaPaths, SCHEMA_CACHE } from '../check/schema-files';

export interface Download {
  readonly target: string;
  readonly source: PinnedFile;
}

export function pinnedDownloads(cacheDir: string): Download[] {
  return [
    ...KUBERNETES_VERSIONS.map((v) => ({ target: k8sDefinitionsFile(cacheDir, v), source: KUBERNETES_SCHEMAS[v] })),
    ...pinnedCrdFiles().map((f) => ({ target: crdFile(cacheDir, f.file), source: f })),
  ];
}

/** Fetch what is missing; returns the number of files written. Throws one line on the first failure. */
export async function downloadSchemas(cacheDir = SCHEMA_CACHE, baseUrl = 'https://raw.githubusercontent.com', log: (s: string) => void = () => {}): Promise<number> {
  const todo = pinnedDownloads(cacheDir).filter((d) => !fs.existsSync(d.target));
  let written = 0;
  // A few at a time: fast on a good link, gentle on the server.
  const queue = [...todo];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const url = `${baseUrl.replace(/\/$/, '')}/${d.source.repo}/${d.source.commit}/${d.source.path}`;
      let body: string;
      try {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        body = await res.text();
      } catch (e) {
        throw new Error(`cannot download ${url}: ${(e as Error).cause ?? (e as Error).message}`);
      }
      fs.mkdirSync(path.dirname(d.target), { recursive: true });
      fs.writeFileSync(`${d.target}.tmp`, body);
      fs.renameSync(`${d.target}.tmp`, d.target);
      written++;
      log(`  ${path.relative(cacheDir, d.target)}  (${d.source.repo}${d.source.tag ? ` ${d.source.tag}` : ''})\n`);
    }
  };
  await Promise.all([1, 2, 3, 4].map(worker));
  return written;
}

if (require.main === module && process.argv.includes('--check')) {
  const location = locateSchemas();
  if (location.found) {
    process.stdout.write(`schemas: ${location.dir} holds all ${pinnedSchemaPaths().length} pinned files\n`);
  } else {
    process.stderr.write(`error: ${location.message}\n`);
    process.exitCode = 1;
  }
} else if (require.main === module) {
  const total = pinnedDownloads(SCHEMA_CACHE).length;
  downloadSchemas(SCHEMA_CACHE, process.env.SCHEMAS_BASE_URL, (s) => process.stdout.write(s))
    .then((n) => process.stdout.write(`${path.relative(process.cwd(), SCHEMA_CACHE) || '.'}/: ${n} files downloaded, ${total - n} already there (${total} pinned)\n`))
    .catch((e) => {
      process.stderr.write(`error: ${(e as Error).message} (no network? CI can set PLATFORM_SHARED_DIR to a folder with the same files)\n`);
      process.exitCode = 1;
    });
}
