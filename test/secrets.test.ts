import { REPOSITORY_SECRET } from '../charts/gitops';
/**
 * Git holds references only: no Secret with data, no key, token or password anywhere in dist/ or
 * the Terraform output, and every secret the platform consumes is fed by an ExternalSecret that
 * reads from the environment's own prefix.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderEnvironment } from '../charts/platform';
import { named, ofKind, synthesizeObjects, variantEnvironment } from './harness/platform';
import { synthesizeInfra } from './harness/infra';
import { filesUnder } from './harness/files';
import { FixtureEnvironment, fixtureEnvironments, fixtures, objectsOf } from './harness/fixtures';
import { ManifestValidator, sharedSchemasAvailable } from './harness/schemas';

/** Patterns of secret values (not names): private keys, cloud and SaaS tokens, inline passwords. */
export const SECRET_VALUE_PATTERNS: Array<[string, RegExp]> = [
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['AWS access key', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Slack token or webhook', /xox[abposr]-[0-9A-Za-z-]{10,}|hooks\.slack\.com\/services\/[A-Z0-9]+/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/],
  ['JWT', /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  // The value on the same line only: a key that opens a nested mapping (`forwardIDToken:` then `header: ...`) holds none.
  ['inline password', /"?(password|passwd|secret_key|client_secret|clientSecret|api_key|token)"?[ \t]*[:=][ \t]*"?(?!\$|\{|\/|"|$)[^\s"]{6,}/i],
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
    expect(findSecretValues('forwardIDToken:\n  header: X-Platform-Id-Token')).toEqual([]);
    expect(findSecretValues('token:  abcdef123456')).toEqual(['inline password']);
  });

  it.each(fixtureEnvironments())('finds no secret value in the manifests of $label', ({ names }) => {
    const files = renderEnvironment(names);
    expect(files.size).toBeGreaterThan(0);
    const hits = [...files].map(([f, text]) => ({ f, hits: findSecretValues(text) })).filter((x) => x.hits.length);
    expect(hits).toEqual([]);
  });

  it.each(fixtures().map((f) => [f.name, f] as const))('finds no secret value in the Terraform output of %s', (_name, f) => {
    const infra = synthesizeInfra(f.file);
    const files = filesUnder(path.join(infra.outdir, 'stacks'), /\.json$/);
    expect(files.length).toBeGreaterThan(0);
    const hits = files.map((file) => ({ file, hits: findSecretValues(fs.readFileSync(file, 'utf8')) })).filter((x) => x.hits.length);
    expect(hits).toEqual([]);
  });
});

describe.each(fixtureEnvironments())('secrets in $label', (fixtureEnv: FixtureEnvironment) => {
  const { names } = fixtureEnv;
  const objects = objectsOf(fixtureEnv);
  const backend = names.platform.secrets.backend;

  it('emits no Secret objects at all: every Secret is created in-cluster by an ExternalSecret', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  it('feeds every Secret the platform consumes from an ExternalSecret', () => {
    const consumed = ['argocd/argocd-oidc', 'monitoring/grafana-admin', 'monitoring/grafana-oidc', 'monitoring/alertmanager-receivers', 'cert-manager/private-ca'];
    if (names.platform.gitops.credentialsSecret) consumed.push('argocd/argocd-repo-gitops');
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
      const team = names.teams.find((t) => names.teamNamespace(t) === es.metadata.namespace);
      if (team) {
        expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'team-secrets' });
        // Keys are relative to the store's prefix; an absolute or parent path would escape it.
        for (const d of es.spec.data) expect(d.remoteRef.key).toMatch(/^[a-z0-9][a-z0-9/_.-]*$/);
        for (const d of es.spec.data) expect(d.remoteRef.key).not.toContain('..');
      } else {
        expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'platform' });
        for (const d of es.spec.data) expect(d.remoteRef.key.startsWith(names.platformSecret(''))).toBe(true);
      }
    }
  });

  it('keeps team namespaces off the platform ClusterSecretStore', () => {
    const store = named(objects, 'ClusterSecretStore', 'platform');
    const allowed: string[] = store.spec.conditions[0].namespaces;
    for (const team of names.teams) expect(allowed).not.toContain(names.teamNamespace(team));
  });

  it('gives each team one store that reaches only its own prefix, through its own identity', () => {
    const stores = ofKind(objects, 'SecretStore');
    expect(stores.map((s) => s.metadata.namespace).sort()).toEqual(names.teams.map((t) => names.teamNamespace(t)).sort());
    for (const team of names.teams) {
      const store = stores.find((s) => s.metadata.namespace === names.teamNamespace(team));
      if (backend === 'aws-secrets-manager') {
        expect(store.spec.provider.aws).toEqual({
          service: 'SecretsManager', region: names.platform.aws.region,
          role: names.roleArn(names.teamSecretsRoleName(team)),
          prefix: names.teamSecretPrefix(team),
        });
      } else {
        // Vault: the team's own KV mount is its prefix, read by its own role.
        const vault = store.spec.provider.vault;
        expect(`${vault.path}/`).toBe(names.teamSecretPrefix(team));
        expect(vault.version).toBe('v2');
        expect(vault.auth.kubernetes.role).toBe(`team-${team.name}`);
        expect(vault.auth.kubernetes.serviceAccountRef).toEqual({ name: 'default' });
      }
    }
    if (backend === 'vault') {
      const roles = [named(objects, 'ClusterSecretStore', 'platform'), ...stores].map((s) => s.spec.provider.vault.auth.kubernetes.role);
      expect(new Set(roles).size).toBe(roles.length);
    }
  });
});

describe('secret backends', () => {
  const validator = sharedSchemasAvailable() ? new ManifestValidator() : undefined;
  const toVault = (d: any) => { d.secrets = { backend: 'vault', vaultServer: 'https://vault.acme.example' }; };

  it('configures schema-valid stores for Vault, the platform store on the platform mount', () => {
    const names = variantEnvironment('dev', toVault);
    const objects = synthesizeObjects(names);
    const stores = [...ofKind(objects, 'ClusterSecretStore'), ...ofKind(objects, 'SecretStore')];
    for (const s of stores) expect(Object.keys(s.spec.provider)).toEqual(['vault']);
    expect(named(objects, 'ClusterSecretStore', 'platform').spec.provider.vault.path).toBe(names.platformSecret('').replace(/\/$/, ''));
    if (validator) for (const s of stores) expect(validator.validate(s)).toEqual([]);
  });

  it('gives External Secrets no AWS role when the backend is not AWS', () => {
    const names = variantEnvironment('dev', toVault);
    expect(names.workloadIdentities.map((w) => w.component)).not.toContain('external-secrets');
  });
});
