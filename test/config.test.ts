import { ConfigError, loadPlatformConfig, parsePlatformConfig, PLATFORM_NAMESPACES, PlatformNames, RESERVED_NAMESPACES } from '../config';
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { EXAMPLE_CONFIG, INVALID_CONFIGS } from './fixtures/invalid-configs';

describe('platform.yaml validation', () => {
  it('accepts the shipped example and fills in documented defaults', () => {
    const config = loadPlatformConfig(EXAMPLE_CONFIG);
    expect(config.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(config.environments[0].nodes.system.capacityType).toBe('ON_DEMAND');
    expect(config.logging.backend).toBe('elasticsearch');
    expect(config.teams[1].apps).toEqual([]);
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

  it('accepts the benign twins of the hostname rules: a nested environment domain outside the zones, an app host named like its app', () => {
    const doc: any = yaml.load(fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
    doc.environments[1].domain = 'prod.dev.acme.example';
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

describe('shared names', () => {
  const names = new PlatformNames(loadPlatformConfig(EXAMPLE_CONFIG));
  const dev = names.environment('dev');

  it('derives cluster, role and secret names from organization and environment', () => {
    expect(dev.clusterName).toBe('acme-dev');
    expect(dev.workloadIdentity('cert-manager')).toEqual({
      component: 'cert-manager', namespace: 'cert-manager', serviceAccount: 'cert-manager',
      roleName: 'acme-dev-cert-manager', roleArn: 'arn:aws:iam::123456789012:role/acme-dev-cert-manager',
    });
    expect(dev.platformSecret('grafana/oidc')).toBe('acme/dev/platform/grafana/oidc');
    expect(dev.hostname('grafana')).toBe('grafana.platform.dev.acme.example');
    expect(dev.appHostname(dev.teams[0], dev.teams[0].apps[0])).toBe('api.payments.apps.dev.acme.example');
  });

  it('refuses every platform namespace as a team name', () => {
    expect(RESERVED_NAMESPACES).toEqual(expect.arrayContaining(Object.values(PLATFORM_NAMESPACES)));
  });

  it('ends team secret prefixes with a slash so one team cannot reach a similarly named team', () => {
    expect(dev.teamSecretPrefix(dev.teams[0])).toBe('acme/dev/teams/payments/');
  });

  it('places a team only in the environments it asked for', () => {
    expect(names.environment('dev').teams.map((t) => t.name)).toEqual(['payments', 'search']);
    expect(names.environment('prod').teams.map((t) => t.name)).toEqual(['payments']);
  });
});
