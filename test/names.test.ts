/**
 * Every name the platform derives is listed, with its limit, in PlatformNames.derivedNames(), so
 * the schema can refuse a config whose names would not fit. These tests keep that list complete:
 * each name found in the Terraform and the manifests of every fixture must be on it.
 */
import { derivedNameProblem, NameKind, PLATFORM_NAMESPACES } from '../config';
import { synthesizeInfra } from './harness/infra';
import { ofKind, synthesizeObjects, variantEnvironment } from './harness/platform';
import { fixtureEnvironments, fixtures, objectsOf } from './harness/fixtures';

describe('derived name limits', () => {
  it('refuses an IAM role name of 65 characters and accepts one of 64', () => {
    expect(derivedNameProblem({ kind: 'iam-role', value: 'r'.repeat(65), source: [] })).toContain('at most 64 characters in the IAM role name');
    expect(derivedNameProblem({ kind: 'iam-role', value: 'r'.repeat(64), source: [] })).toBeUndefined();
  });

  it('refuses a hostname with a 64-character label and accepts 63', () => {
    expect(derivedNameProblem({ kind: 'hostname', value: `${'a'.repeat(64)}.example.com`, source: [] })).toContain('per DNS label');
    expect(derivedNameProblem({ kind: 'hostname', value: `${'a'.repeat(63)}.example.com`, source: [] })).toBeUndefined();
  });

  it('refuses a hostname of 254 characters whose labels all fit', () => {
    const long = [...Array(5)].map(() => 'a'.repeat(50)).join('.'); // 254 characters
    expect(long).toHaveLength(254);
    expect(derivedNameProblem({ kind: 'hostname', value: long, source: [] })).toContain('at most 253 characters');
  });
});

describe.each(fixtures().map((f) => [f.name, f] as const))('every name in the Terraform of %s is a listed derived name', (_name, f) => {
  const infra = synthesizeInfra(f.file);
  const derived = f.names.derivedNames();
  const listed = (kind: NameKind) => new Set(derived.filter((d) => d.kind === kind).map((d) => d.value));
  const stacks = f.names.environments.map((e) => e.env).concat(['registry', 'state-bootstrap']);
  const all = (type: string, field: string) => stacks.flatMap((s) => { try { return infra.resources(s, type).map((r) => r[field]); } catch { return []; } });

  it.each([
    ['aws_iam_role', 'name', 'iam-role'],
    ['aws_s3_bucket', 'bucket', 's3-bucket'],
    ['aws_eks_cluster', 'name', 'eks-cluster'],
    ['aws_eks_node_group', 'node_group_name', 'eks-nodegroup'],
    ['aws_opensearch_domain', 'domain_name', 'opensearch-domain'],
    ['aws_ecr_repository', 'name', 'ecr-repository'],
  ] as const)('%s.%s', (type, field, kind) => {
    const names = all(type, field);
    for (const name of names) expect({ name, listed: listed(kind).has(name) }).toEqual({ name, listed: true });
  });

  it('lists at least one name of every Terraform kind it checks', () => {
    expect(all('aws_iam_role', 'name').length).toBeGreaterThan(0);
    expect(all('aws_s3_bucket', 'bucket').length).toBeGreaterThan(0);
  });
});

describe.each(fixtureEnvironments())('every hostname and namespace in the manifests of $label is a listed derived name', (fixtureEnv) => {
  const { fixture, names } = fixtureEnv;
  const objects = objectsOf(fixtureEnv);
  const derived = fixture.names.derivedNames();
  const hostnames = new Set(derived.filter((d) => d.kind === 'hostname').map((d) => d.value));
  const labels = new Set(derived.filter((d) => d.kind === 'dns-label').map((d) => d.value));

  it('hostnames of Ingresses, HTTPRoutes and Certificates (wildcards aside)', () => {
    const hosts = [
      ...ofKind(objects, 'Ingress').flatMap((i) => (i.spec.rules ?? []).map((r: any) => r.host)),
      ...ofKind(objects, 'HTTPRoute').flatMap((r) => r.spec.hostnames ?? []),
      ...ofKind(objects, 'Certificate').flatMap((c) => c.spec.dnsNames ?? []),
    ].filter((h) => h && !h.startsWith('*.') && h.endsWith(names.environment.domain) && h !== names.environment.domain);
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) expect({ host, listed: hostnames.has(host) }).toEqual({ host, listed: true });
  });

  it('namespaces that are not the platform\'s own', () => {
    const platform = new Set<string>([...Object.values(PLATFORM_NAMESPACES), 'kube-system']);
    for (const ns of ofKind(objects, 'Namespace').map((n) => n.metadata.name).filter((n) => !platform.has(n))) {
      expect({ ns, listed: labels.has(ns) }).toEqual({ ns, listed: true });
    }
  });
});

/** What the API server checks of every object's names and labels (apimachinery validation). */
function objectNameProblems(obj: any): string[] {
  const problems: string[] = [];
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
  const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
  const name: string = obj.metadata?.name ?? '';
  // RBAC objects take any path segment (platform:viewer); everything else here a DNS subdomain.
  const rbac = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(obj.kind);
  if (rbac ? (name === '' || /[/%]/.test(name) || name === '.' || name === '..') : (name.length > 253 || !subdomain.test(name))) {
    problems.push(`name "${name}" is not ${rbac ? 'a path segment' : 'a DNS subdomain of at most 253 characters'}`);
  }
  if (['Namespace'].includes(obj.kind) && (name.length > 63 || !label1123.test(name))) problems.push(`name "${name}" is not a DNS label of at most 63 characters`);
  if (obj.kind === 'Service' && (name.length > 63 || !label1035.test(name))) problems.push(`Service name "${name}" is not an RFC 1035 label of at most 63 characters`);
  const ns = obj.metadata?.namespace;
  if (ns !== undefined && (ns.length > 63 || !label1123.test(ns))) problems.push(`namespace "${ns}" is not a DNS label`);
  for (const [key, value] of Object.entries<string>(obj.metadata?.labels ?? {})) {
    if (String(value).length > 63 || !labelValue.test(String(value))) problems.push(`label ${key}: value "${value}" is not a label value of at most 63 characters`);
  }
  return problems;
}

describe('object names and labels the API server accepts', () => {
  it('refuses a Service name that starts with a digit or runs over 63 characters, and label values over 63', () => {
    expect(objectNameProblems({ kind: 'Service', metadata: { name: '1api', namespace: 'shop' } })).toEqual([expect.stringContaining('RFC 1035')]);
    expect(objectNameProblems({ kind: 'Service', metadata: { name: 'a'.repeat(64), namespace: 'shop' } })).toEqual([expect.stringContaining('RFC 1035')]);
    expect(objectNameProblems({ kind: 'ConfigMap', metadata: { name: 'x', labels: { team: 'a'.repeat(64) } } })).toEqual([expect.stringContaining('label team')]);
    expect(objectNameProblems({ kind: 'Service', metadata: { name: 'api', namespace: 'shop', labels: { team: 'shop' } } })).toEqual([]);
  });

  it.each(fixtureEnvironments())('accepts every object of $label', (fixtureEnv) => {
    const problems = objectsOf(fixtureEnv).flatMap((o) => objectNameProblems(o.obj).map((p) => `${o.obj.kind}/${o.obj.metadata?.name}: ${p}`));
    expect(problems).toEqual([]);
  });
});

describe('a config at the limits', () => {
  // The longest names the schema accepts: a 40-character team and app, on a host label of 63.
  const team = `t${'e'.repeat(38)}m`;
  const app = `a${'p'.repeat(38)}p`;
  const host = `h${'o'.repeat(61)}t`;
  const atLimits = (d: any) => {
    for (const r of d.alerting.receivers) if (r.team === d.teams[0].name) r.team = team;
    d.teams[0].name = team; d.teams[0].apps[0].name = app; d.teams[0].apps[0].host = host;
  };

  it('is accepted, and every object it gives has names the API server accepts', () => {
    const names = variantEnvironment('prod', atLimits);
    expect(names.appHostname(names.teams[0], names.teams[0].apps[0]).split('.')[0]).toHaveLength(63);
    const problems = synthesizeObjects(names).flatMap((o) => objectNameProblems(o.obj).map((p) => `${o.obj.kind}/${o.obj.metadata?.name}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('is refused one character further', () => {
    expect(() => variantEnvironment('prod', (d) => { atLimits(d); d.teams[0].apps[0].host = `${host}x`; })).toThrow(/apps\[0\]\.host: expected at most 63 characters/);
  });
});
