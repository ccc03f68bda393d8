/**
 * Helm ignores values keys a chart does not read, so a misspelt or moved key is a silent bug. Every
 * key path the platform passes to an upstream chart (Argo CD Applications in dist/ and the bootstrap's
 * helm_release resources) must be one verified in that chart at the pinned version
 * (test/fixtures/chart-value-keys.ts), with the type the chart expects.
 */
import { HELM_CHARTS } from '../config';
import { CHART_VALUE_KEYS, ChartValueKeys } from './fixtures/chart-value-keys';
import { Fixture, fixtureEnvironments } from './harness/fixtures';
import { checkValueKeys, HelmValuesDocument, helmValuesDocuments, terraformObject } from './harness/helm-values';
import { SynthesizedInfra, synthesizeInfra } from './harness/infra';

const infras = new Map<string, SynthesizedInfra>();
const infraOf = (f: Fixture) => {
  if (!infras.has(f.name)) infras.set(f.name, synthesizeInfra(f.file));
  return infras.get(f.name)!;
};
const documentsOf = (fx: ReturnType<typeof fixtureEnvironments>[number]) => helmValuesDocuments(fx, infraOf(fx.fixture));

describe.each(fixtureEnvironments())('Helm values of $label', (fx) => {
  it('set only key paths verified in each chart at its pinned version, with the type the chart reads', () => {
    const docs = documentsOf(fx);
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.flatMap((doc) => checkValueKeys(doc, CHART_VALUE_KEYS).problems)).toEqual([]);
  });
});

describe('the verified key table', () => {
  it('covers exactly the chart versions config/versions.ts pins (a bump needs its keys verified again)', () => {
    const pinned = Object.values(HELM_CHARTS).map((c) => `${c.chart}@${c.version}`).sort();
    expect(Object.keys(CHART_VALUE_KEYS).sort()).toEqual(pinned);
  });

  it('lists only keys some fixture sets (a key nobody sets is a claim nothing tests)', () => {
    const used = new Set<string>();
    for (const fx of fixtureEnvironments()) {
      for (const doc of documentsOf(fx)) for (const key of checkValueKeys(doc, CHART_VALUE_KEYS).used) used.add(`${doc.chart} ${key}`);
    }
    const unused = Object.entries(CHART_VALUE_KEYS).flatMap(([chart, { keys }]) => Object.keys(keys).map((k) => `${chart} ${k}`)).filter((k) => !used.has(k));
    expect(unused).toEqual([]);
  });
});

describe('the key check itself', () => {
  const table: Record<string, ChartValueKeys> = {
    'demo@1.0.0': {
      upstream: 'test table',
      keys: { 'server.replicas': 'number', 'vpcTags': 'map', 'repositories.*.url': 'string', 'spec.storageSpec.size': 'string', 'spec.fsAccess.deny': 'boolean' },
    },
  };
  const check = (values: unknown, chart = 'demo@1.0.0') => checkValueKeys({ where: 'Application demo', chart, values } as HelmValuesDocument, table).problems;

  it('refuses a misspelt key and admits the verified one', () => {
    expect(check({ server: { replica: 2 } })).toEqual([expect.stringContaining('demo@1.0.0 server.replica: not a key verified')]);
    expect(check({ server: { replicas: 2 } })).toEqual([]);
  });

  it('refuses a key the chart does not read where it was moved from (the CRD field name instead of the chart value)', () => {
    expect(check({ spec: { storage: { size: '1Gi' } } })).toEqual([expect.stringContaining('spec.storage.size: not a key verified')]);
    expect(check({ spec: { storageSpec: { size: '1Gi' } } })).toEqual([]);
  });

  it('refuses a value of another type, and a scalar where the chart renders an object', () => {
    expect(check({ server: { replicas: '2' } })).toEqual([expect.stringContaining('server.replicas: expected number, found string')]);
    expect(check({ spec: { fsAccess: true } })).toEqual([expect.stringContaining('spec.fsAccess: not a key verified')]);
    expect(check({ spec: { fsAccess: { deny: true } } })).toEqual([]);
  });

  it('admits any key below a free map, and a name where the table has `*`, but checks what follows the name', () => {
    expect(check({ vpcTags: { 'anything/at-all': 'x' } })).toEqual([]);
    expect(check({ repositories: { 'my-repo': { url: 'https://example.com' } } })).toEqual([]);
    expect(check({ repositories: { 'my-repo': { uri: 'https://example.com' } } })).toEqual([expect.stringContaining('repositories.my-repo.uri: not a key verified')]);
  });

  it('refuses a chart version nobody verified, and admits the verified one', () => {
    expect(check({ server: { replicas: 2 } }, 'demo@1.1.0')).toEqual([expect.stringContaining('chart demo@1.1.0 has no verified keys')]);
    expect(check({ server: { replicas: 2 } }, 'demo@1.0.0')).toEqual([]);
  });

  it('reads the bootstrap\'s Terraform values document, and refuses another shape', () => {
    const doc = '${jsonencode({"configs" = {"repositories" = {"gitops" = {"username" = jsondecode(data.x.y.secret_string).username, "password" = jsondecode(data.x.y.secret_string).password}}}})}';
    expect(terraformObject(doc)).toEqual({ configs: { repositories: { gitops: {
      username: 'jsondecode(data.x.y.secret_string).username', password: 'jsondecode(data.x.y.secret_string).password',
    } } } });
    expect(() => terraformObject('${yamlencode({})}')).toThrow(/not a/);
  });
});
