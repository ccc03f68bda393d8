import * as yaml from 'js-yaml';
import { ConfigError, loadPlatformConfig, parsePlatformConfig, PLATFORM_NAMESPACES, RESERVED_NAMESPACES } from '../config';
import { exampleDoc, INVALID_CONFIGS } from './fixtures/invalid-configs';
import { fixtureEnvironments, fixtures } from './harness/fixtures';

describe('platform.yaml validation', () => {
  it.each(fixtures().map((f) => [f.name, f] as const))('accepts the fixture %s', (_name, f) => {
    expect(() => loadPlatformConfig(f.file)).not.toThrow();
  });

  it('fills in the documented defaults of every optional field it is not given', () => {
    const doc = exampleDoc();
    delete doc.logging;
    delete doc.secrets;
    delete doc.environments[0].nodes.system.capacityType;
    delete doc.environments[0].monitoring;
    doc.teams[0].apps = [{ name: 'api', tag: '1.0.0' }];
    const config = parsePlatformConfig(yaml.dump(doc));
    expect(config.environments[0].nodes.system.capacityType).toBe('ON_DEMAND');
    expect(config.environments[0].monitoring).toEqual({ retention: '15d', storage: '50Gi' });
    expect(config.logging.backend).toBe('elasticsearch');
    expect(config.secrets.backend).toBe('aws-secrets-manager');
    expect(config.teams[0].apps[0]).toMatchObject({ port: 8080, replicas: 2, resources: { cpu: '250m', memory: '256Mi' }, healthPath: '/healthz', metricsPath: '/metrics' });
  });

  it.each(INVALID_CONFIGS.map((c) => [c.rule, c] as const))('%s', (_rule, bad) => {
    let error: unknown;
    try {
      parsePlatformConfig(bad.text(), 'platform.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^platform\.yaml/);
    for (const m of bad.mentions) expect(message).toContain(m);
  });

  it('accepts the benign twins of the hostname rules: an app host named like its app, one host label in two teams', () => {
    const doc = exampleDoc();
    doc.teams[0].apps.push({ name: 'web', tag: '1.0.0', host: 'www' });
    doc.teams[1].apps = [{ name: 'api', tag: '1.0.0' }]; // the same host label as payments/api, in another team's zone
    expect(() => parsePlatformConfig(yaml.dump(doc))).not.toThrow();
  });

  it('names a missing file and says it is missing', () => {
    expect(() => loadPlatformConfig('/nonexistent/platform.yaml'))
      .toThrow('/nonexistent/platform.yaml: expected a readable platform config file, found no such file');
  });

  it('reports every problem at once, one line each', () => {
    const text = 'organization: {name: Acme}\naws: {accountId: "1", region: mars}\n';
    const error = (() => { try { parsePlatformConfig(text); } catch (e) { return e as ConfigError; } return undefined; })();
    expect(error?.problems.length).toBeGreaterThanOrEqual(4);
    expect(error?.message).toContain('organization.name');
    expect(error?.message).toContain('aws.region');
    expect(error?.message).toContain('gitops: expected a mapping, found nothing');
  });
});

describe.each(fixtureEnvironments())('shared names in $label', ({ names, fixture }) => {
  const org = names.platform.organization.name;

  it('derives cluster, role and secret names from organization and environment', () => {
    expect(names.clusterName).toBe(`${org}-${names.env}`);
    for (const identity of names.workloadIdentities) {
      expect(identity.roleName.startsWith(`${names.clusterName}-`)).toBe(true);
      expect(identity.roleArn).toBe(`arn:aws:iam::${names.platform.aws.accountId}:role/${identity.roleName}`);
    }
    expect(names.platformSecret('grafana/oidc')).toBe(`${org}/${names.env}/platform/grafana/oidc`);
    expect(names.hostname('grafana')).toBe(`grafana.platform.${names.environment.domain}`);
    for (const t of names.teams) for (const a of t.apps) expect(names.appHostname(t, a)).toBe(`${a.host ?? a.name}.${t.name}.apps.${names.environment.domain}`);
  });

  it('gives each team a secret prefix that no other team\'s prefix contains (it ends with a slash)', () => {
    const prefixes = names.teams.map((t) => names.teamSecretPrefix(t));
    for (const p of prefixes) {
      expect(p.endsWith('/')).toBe(true);
      expect(prefixes.filter((q) => q.startsWith(p))).toEqual([p]);
    }
  });

  it('places a team only in the environments it asked for', () => {
    const expected = fixture.names.platform.teams.filter((t) => !t.environments || t.environments.includes(names.env)).map((t) => t.name);
    expect(names.teams.map((t) => t.name)).toEqual(expected);
  });
});

it('refuses every platform namespace as a team name', () => {
  expect(RESERVED_NAMESPACES).toEqual(expect.arrayContaining(Object.values(PLATFORM_NAMESPACES)));
});

