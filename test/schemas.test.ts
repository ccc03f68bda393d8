/**
 * Every object in dist/ must be accepted by a Kubernetes 1.33 API server and by the pinned
 * operators' CRDs, with unknown fields rejected. Schemas come from ../shared (see
 * test/harness/schemas.ts); in CI their absence is a failure, elsewhere a loud skip.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadManifests, ManifestValidator, SHARED_DIR, sharedSchemasAvailable } from './harness/schemas';

const available = sharedSchemasAvailable();
if (!available) {
  if (process.env.CI) throw new Error(`schema data not found at ${SHARED_DIR}; CI must validate dist/ (set PLATFORM_SHARED_DIR)`);
  console.warn(`SKIPPED schema validation: no schema data at ${SHARED_DIR} (set PLATFORM_SHARED_DIR to the shared/ folder)`);
}
const describeWithSchemas = available ? describe : describe.skip;

describeWithSchemas('schema validation of dist/', () => {
  const validator = available ? new ManifestValidator() : (undefined as unknown as ManifestValidator);
  const manifests = loadManifests(path.resolve(__dirname, '..', 'dist'));

  it('finds manifests for every environment', () => {
    // Whatever environments the user's platform.yaml has: each folder of dist/ holds manifests.
    const folders = fs.readdirSync(path.resolve(__dirname, '..', 'dist'), { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    expect(new Set(manifests.map((m) => m.file.split(path.sep)[0]))).toEqual(new Set(folders));
  });

  it('accepts every object in dist/ against Kubernetes 1.33 and the pinned CRDs', () => {
    const failures = manifests
      .map(({ file, obj }) => ({ file, errors: validator.validate(obj) }))
      .filter((r) => r.errors.length > 0);
    expect(failures).toEqual([]);
  });

  describe('the validator itself', () => {
    it('rejects a misspelt optional field', () => {
      expect(validator.validate({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', lables: {} } }))
        .toEqual(['/metadata: must NOT have additional properties "lables"']);
    });
    it('rejects an API version Kubernetes 1.33 no longer serves', () => {
      expect(validator.validate({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'a' } })[0])
        .toContain('not served by Kubernetes 1.33');
    });
    it('rejects a wrong type inside a CRD object', () => {
      expect(validator.validate({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'a' }, spec: { secretName: 'x', issuerRef: { name: 'i' }, dnsNames: 'a.example.com' } }))
        .toEqual(['/spec/dnsNames: must be array']);
    });
    it('rejects a CRD version the pinned operator does not serve', () => {
      expect(validator.validate({ apiVersion: 'external-secrets.io/v1beta1', kind: 'SecretStore', metadata: { name: 'a' }, spec: {} })[0])
        .toContain('not served');
    });
  });
});
