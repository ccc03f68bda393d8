/**
 * Schemas without ../shared: `npm run schemas` fetches exactly the pinned files (here from a local
 * server standing in for raw.githubusercontent.com, serving the located schema folder), and the
 * lookup says in one line what is missing when a folder is incomplete.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { AddressInfo } from 'net';
import { locateSchemas, missingSchemaFiles, pinnedSchemaPaths } from '../check/schema-files';
import { downloadSchemas, pinnedDownloads } from '../scripts/schemas';
import { describeWithSchemas, schemaLocation } from './harness/schemas';

describe('locating the schemas', () => {
  it('refuses an incomplete PLATFORM_SHARED_DIR in one line naming a missing file and how to get the files', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-empty-'));
    const location = locateSchemas({ PLATFORM_SHARED_DIR: empty });
    expect(location.found).toBe(false);
    const message = (location as { message: string }).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(`lacks ${pinnedSchemaPaths().length} pinned files (first: k8s-schemas/v1.35.0_definitions.json)`);
    expect(message).toContain('npm run schemas');
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it('pins a Kubernetes definitions file per supported version and every CRD file', () => {
    expect(pinnedSchemaPaths()).toEqual(expect.arrayContaining(['k8s-schemas/v1.35.0_definitions.json', 'k8s-schemas/v1.36.0_definitions.json', 'crds/gateway.networking.k8s.io_httproutes.yaml']));
    expect(new Set(pinnedSchemaPaths()).size).toBe(pinnedSchemaPaths().length);
  });
});

describeWithSchemas('npm run schemas', () => {
  const source = (schemaLocation as { dir: string }).dir;
  let server: http.Server;
  let base: string;
  const refused = new Set<string>();

  beforeAll(async () => {
    // Serve <repo>/<commit>/<path> from the located folder, as raw.githubusercontent.com would.
    const routes = new Map(pinnedDownloads(source).map((d) => [`/${d.source.repo}/${d.source.commit}/${d.source.path}`, d.target]));
    server = http.createServer((req, res) => {
      const file = routes.get(req.url ?? '');
      if (!file || refused.has(req.url ?? '')) { res.writeHead(404).end(); return; }
      res.writeHead(200).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('fills an empty cache with every pinned file, byte for byte, which the lookup then accepts', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-cache-'));
    expect(await downloadSchemas(cache, base)).toBe(pinnedSchemaPaths().length);
    expect(missingSchemaFiles(cache)).toEqual([]);
    for (const p of pinnedSchemaPaths()) expect(fs.readFileSync(path.join(cache, p)).equals(fs.readFileSync(path.join(source, p)))).toBe(true);
    expect(locateSchemas({ PLATFORM_SHARED_DIR: cache })).toEqual({ found: true, dir: cache });
    expect(await downloadSchemas(cache, base)).toBe(0); // nothing left to fetch
    fs.rmSync(cache, { recursive: true, force: true });
  });

  it('fails naming the address when upstream does not have a pinned file', async () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-cache-'));
    const d = pinnedDownloads(cache).find((x) => x.target.endsWith('gateway.networking.k8s.io_httproutes.yaml'))!;
    refused.add(`/${d.source.repo}/${d.source.commit}/${d.source.path}`);
    await expect(downloadSchemas(cache, base)).rejects.toThrow(`cannot download ${base}/kubernetes-sigs/gateway-api/${d.source.commit}/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml: HTTP 404`);
    expect(fs.existsSync(d.target)).toBe(false);
    fs.rmSync(cache, { recursive: true, force: true });
  });
});
