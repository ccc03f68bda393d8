import { REPOSITORY_SECRET } from '../charts/gitops';
/**
 * Git holds references only: no Secret with data, no key, token or password anywhere in dist/ or
 * the Terraform output, and every secret the platform consumes is fed by an ExternalSecret that
 * reads from the environment's own prefix.
 */
import * as fs from 'fs';
import * as path from 'path';
import { exampleEnvironment, named, ofKind, synthesizeObjects, variantEnvironment } from './harness/platform';
import { synthesizeInfra } from './harness/infra';
import { filesUnder } from './harness/files';
import { ManifestValidator, sharedSchemasAvailable } from './harness/schemas';

/** Patterns of secret values (not names): private keys, cloud and SaaS tokens, inline passwords. */
export const SECRET_VALUE_PATTERNS: Array<[string, RegExp]> = [
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['AWS access key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Slack token or webhook', /xox[abposr]-[0-9A-Za-z-]{10,}|hooks\.slack\.com\/services\/[A-Z0-9]+/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['inline password', /"?(password|passwd|secret_key|client_secret|clientSecret|api_key|token)"?\s*[:=]\s*"?(?!\$|\{|\/|"|$)[^\s"]{6,}/i],
];

export function findSecretValues(text: string): string[] {
  return SECRET_VALUE_PATTERNS.filter(([, re]) => re.test(text)).map(([what]) => what);
}


describe('secret scan', () => {
  it('recognises the secret values it is meant to catch (and not references)', () => {
    expect(findSecretValues('tls.key: -----BEGIN RSA PRIVATE KEY-----')).toEqual(['private key']);
    expect(findSecretValues('url: https://hooks.slack.com/services/T000/B000/XXXX')).toEqual(['Slack token or webhook']);
    expect(findSecretValues('password: hunter2hunter2')).toEqual(['inline password']);
    expect(findSecretValues('client_secret: $__file{/etc/secrets/grafana-oidc/clientSecret}')).toEqual([]);
    expect(findSecretValues('clientSecret: $argocd-oidc:clientSecret')).toEqual([]);
    expect(findSecretValues('key: acme/dev/platform/grafana/admin')).toEqual([]);
  });

  it('finds no secret value in dist/', () => {
    const files = filesUnder(path.resolve(__dirname, '..', 'dist'), /\.yaml$/);
    expect(files.length).toBeGreaterThan(50);
    const hits = files.map((f) => ({ f, hits: findSecretValues(fs.readFileSync(f, 'utf8')) })).filter((x) => x.hits.length);
    expect(hits).toEqual([]);
  });

  it('finds no secret value in the Terraform output', () => {
    const infra = synthesizeInfra();
    const files = filesUnder(path.join(infra.outdir, 'stacks'), /\.json$/);
    expect(files.length).toBeGreaterThanOrEqual(6);
    const hits = files.map((f) => ({ f, hits: findSecretValues(fs.readFileSync(f, 'utf8')) })).filter((x) => x.hits.length);
    expect(hits).toEqual([]);
  });
});

describe.each(['dev', 'prod'])('secrets in %s', (env) => {
  const names = exampleEnvironment(env);
  const objects = synthesizeObjects(names);

  it('emits no Secret objects at all: every Secret is created in-cluster by an ExternalSecret', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  it('feeds every Secret the platform consumes from an ExternalSecret', () => {
    const consumed = ['argocd/argocd-oidc', 'argocd/argocd-repo-gitops', 'monitoring/grafana-admin', 'monitoring/grafana-oidc', 'monitoring/alertmanager-receivers', 'cert-manager/private-ca'];
    const fed = ofKind(objects, 'ExternalSecret').map((e) => `${e.metadata.namespace}/${e.spec.target.name}`);
    expect(fed).toEqual(expect.arrayContaining(consumed));
  });

  it('refreshes every ExternalSecret and lets it own its target Secret (the bootstrap-created repository Secret is merged into)', () => {
    for (const es of ofKind(objects, 'ExternalSecret')) {
      expect(es.spec.refreshInterval).toBe('1h');
      expect(es.spec.target.creationPolicy).toBe(es.spec.target.name === REPOSITORY_SECRET ? 'CreateOrMerge' : 'Owner');
    }
  });

  it('reads platform secrets from the platform prefix, and team app secrets only through the team store', () => {
    for (const es of ofKind(objects, 'ExternalSecret')) {
      const team = names.teams.find((t) => t.name === es.metadata.namespace);
      if (team) {
        expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'team-secrets' });
        // Keys are relative to the store's prefix; an absolute or parent path would escape it.
        for (const d of es.spec.data) expect(d.remoteRef.key).toMatch(/^[a-z0-9][a-z0-9/_.-]*$/);
        for (const d of es.spec.data) expect(d.remoteRef.key).not.toContain('..');
      } else {
        expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'platform' });
        for (const d of es.spec.data) expect(d.remoteRef.key.startsWith(`acme/${env}/platform/`)).toBe(true);
      }
    }
    expect(ofKind(objects, 'ExternalSecret').some((es) => es.metadata.namespace === 'payments')).toBe(true);
  });

  it('keeps team namespaces off the platform ClusterSecretStore', () => {
    const store = named(objects, 'ClusterSecretStore', 'platform');
    const allowed: string[] = store.spec.conditions[0].namespaces;
    for (const team of names.teams) expect(allowed).not.toContain(names.teamNamespace(team));
    expect(store.spec.provider.aws).toEqual({ service: 'SecretsManager', region: 'eu-west-1' });
  });

  it('gives each team a store that reaches only its own prefix, through its own role', () => {
    for (const team of names.teams) {
      const store = ofKind(objects, 'SecretStore').find((s) => s.metadata.namespace === team.name);
      expect(store.spec.provider.aws).toEqual({
        service: 'SecretsManager', region: 'eu-west-1',
        role: `arn:aws:iam::123456789012:role/acme-${env}-team-${team.name}-secrets`,
        prefix: `acme/${env}/teams/${team.name}/`,
      });
    }
  });
});

describe('other secret backends', () => {
  const validator = sharedSchemasAvailable() ? new ManifestValidator() : undefined;
  const backends: Array<[string, (d: any) => void]> = [
    ['vault', (d) => { d.secrets = { backend: 'vault', vaultServer: 'https://vault.acme.example' }; }],
    ['azure-key-vault', (d) => { d.secrets = { backend: 'azure-key-vault', azureVaultUrl: 'https://acme.vault.azure.net', azureTenantId: '8c9f4c2e-1d2b-4a5f-9a7e-0c1d2e3f4a5b' }; }],
  ];

  it.each(backends)('configures valid stores for %s, a separate identity per team', (backend, change) => {
    const objects = synthesizeObjects(variantEnvironment('dev', change));
    const stores = [...ofKind(objects, 'ClusterSecretStore'), ...ofKind(objects, 'SecretStore')];
    expect(stores).toHaveLength(3);
    const key = backend === 'vault' ? 'vault' : 'azurekv';
    for (const s of stores) expect(Object.keys(s.spec.provider)).toEqual([key]);
    if (backend === 'vault') expect(stores.map((s) => s.spec.provider.vault.auth.kubernetes.role).sort()).toEqual(['platform', 'team-payments', 'team-search']);
    if (validator) for (const s of stores) expect(validator.validate(s)).toEqual([]);
  });

  it('gives External Secrets no AWS role when the backend is not AWS', () => {
    const names = variantEnvironment('dev', backends[0][1]);
    expect(names.workloadIdentities.map((w) => w.component)).not.toContain('external-secrets');
  });
});
