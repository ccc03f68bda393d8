import { HELM_CHARTS } from '../config';
import { APPS_FOLDER, TEAM_KINDS } from '../charts/gitops';
import { SYNC_WAVE } from '../charts/lib/platform-chart';
import { exampleEnvironment, helmValues, named, ofKind, synthesizeObjects, variantEnvironment } from './harness/platform';

describe.each(['dev', 'prod'])('Argo CD tree in %s', (env) => {
  const names = exampleEnvironment(env);
  const objects = synthesizeObjects(names);
  const apps = ofKind(objects, 'Application');
  const wave = (name: string) => Number(named(objects, 'Application', name).metadata.annotations['argocd.argoproj.io/sync-wave']);

  it('syncs every Application automatically with prune, self-heal and retry with backoff', () => {
    expect(apps.length).toBeGreaterThan(5);
    for (const app of apps) {
      expect({ app: app.metadata.name, automated: app.spec.syncPolicy.automated }).toEqual({ app: app.metadata.name, automated: { prune: true, selfHeal: true } });
      expect(app.spec.syncPolicy.retry.backoff).toBeDefined();
    }
  });

  it('pins every Helm chart to an exact version from config/versions.ts', () => {
    const helmApps = apps.filter((a) => a.spec.source.chart);
    expect(helmApps.length).toBeGreaterThanOrEqual(5);
    const pinned = new Set(Object.values(HELM_CHARTS).map((c) => `${c.repoURL} ${c.chart} ${c.version}`));
    for (const app of helmApps) {
      expect(app.spec.source.targetRevision).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(pinned).toContain(`${app.spec.source.repoURL} ${app.spec.source.chart} ${app.spec.source.targetRevision}`);
    }
  });

  it('owns every folder of dist/<env> by exactly one Application, and nothing else', () => {
    const folders = [...new Set(objects.map((o) => o.folder))].sort();
    const owners = new Map<string, string[]>();
    for (const app of apps.filter((a) => a.spec.source.path?.startsWith('dist/'))) {
      const path = app.spec.source.path as string;
      expect(path.startsWith(`dist/${env}/`)).toBe(true);
      const folder = path.slice(`dist/${env}/`.length);
      owners.set(folder, [...(owners.get(folder) ?? []), app.metadata.name]);
    }
    expect([...owners.keys()].sort()).toEqual(folders);
    for (const [folder, by] of owners) expect({ folder, by: by.length }).toEqual({ folder, by: 1 });
    expect(owners.get(APPS_FOLDER)).toEqual(['root']);
  });

  it('points the root Application at this environment\'s apps folder in the GitOps repository', () => {
    expect(named(objects, 'Application', 'root').spec.source).toEqual({ repoURL: names.platform.gitops.repoURL, targetRevision: 'main', path: `dist/${env}/${APPS_FOLDER}` });
  });

  it('orders namespaces before operators, operators before their custom resources, platform before teams', () => {
    expect(wave('teams')).toBeLessThan(wave('cert-manager'));
    expect(wave('cert-manager')).toBeLessThan(wave('ingress'));
    expect(wave('external-secrets')).toBeLessThan(wave('secrets'));
    expect(wave('ingress')).toBeLessThan(wave('team-payments'));
    expect(wave('team-payments')).toBe(SYNC_WAVE.teams);
  });

  it('applies CRD-bearing charts server-side and lets custom resources skip the dry run', () => {
    for (const name of ['cert-manager', 'external-secrets', 'argocd']) {
      expect(named(objects, 'Application', name).spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    }
    for (const issuer of ofKind(objects, 'ClusterIssuer')) {
      expect(issuer.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
    }
  });

  it('restricts each team AppProject to its repositories and namespace, with no cluster-scoped kinds', () => {
    for (const team of names.teams) {
      const project = named(objects, 'AppProject', team.name);
      expect(project.spec.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: team.name }]);
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
      expect(project.spec.sourceRepos).toEqual([...team.sourceRepos, ...(team.apps.length ? [names.platform.gitops.repoURL] : [])].sort());
      expect(project.spec.namespaceResourceWhitelist).toEqual(TEAM_KINDS);
      expect(project.spec.namespaceResourceBlacklist).toBeUndefined();
      expect(project.spec.roles[0].groups).toEqual(team.groups);
      expect(project.spec.roles[0].policies.every((p: string) => p.includes(`${team.name}/*`))).toBe(true);
    }
  });

  it('deploys each team\'s Applications inside its own project', () => {
    const app = named(objects, 'Application', 'team-payments');
    expect(app.spec.project).toBe('payments');
    expect(app.spec.destination.namespace).toBe('payments');
  });

  it('signs people in to Argo CD with the IdP: admins and viewers by group, nothing for anyone else, no local admin', () => {
    const values = helmValues(objects, 'argocd');
    expect(values.configs.rbac['policy.csv']).toContain('g, platform-admins, role:admin');
    expect(values.configs.rbac['policy.csv']).toContain('g, engineering, role:readonly');
    expect(values.configs.rbac['policy.default']).toBe('');
    expect(values.configs.cm['admin.enabled']).toBe(false);
    expect(values.configs.cm['oidc.config']).toContain(`issuer: ${names.platform.identity.issuerURL}`);
    expect(values.configs.cm['oidc.config']).toContain('clientSecret: $argocd-oidc:clientSecret');
    const oidc = named(objects, 'ExternalSecret', 'argocd-oidc');
    expect(oidc.spec.target.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'argocd' });
  });

  it('exposes the Argo CD UI through the central ingress with TLS', () => {
    const ingress = helmValues(objects, 'argocd').server.ingress;
    expect(ingress).toMatchObject({ enabled: true, ingressClassName: 'nginx', hostname: `argocd.${names.environment.domain}`, tls: true });
    expect(ingress.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
  });

  it('reads repository credentials from the secret backend, never from git', () => {
    const creds = named(objects, 'ExternalSecret', 'gitops-repository');
    expect(creds.spec.target.template.metadata.labels['argocd.argoproj.io/secret-type']).toBe('repository');
    expect(creds.spec.data.map((d: any) => d.remoteRef.key)).toEqual([`acme/${env}/platform/gitops/repo-credentials`, `acme/${env}/platform/gitops/repo-credentials`]);
  });
});

it('runs Argo CD highly available in production only', () => {
  const values = (env: string) => helmValues(synthesizeObjects(exampleEnvironment(env)), 'argocd');
  expect(values('prod')['redis-ha'].enabled).toBe(true);
  expect(values('prod').server.replicas).toBe(2);
  expect(values('dev')['redis-ha'].enabled).toBe(false);
});

describe('fleet mode', () => {
  const objects = synthesizeObjects(variantEnvironment('prod', (d) => { d.gitops.mode = 'fleet'; }));

  it('rolls every component out as an ApplicationSet over the clusters labelled with the environment', () => {
    const sets = ofKind(objects, 'ApplicationSet');
    expect(sets.map((s) => s.metadata.name)).toEqual(expect.arrayContaining(['argocd', 'cert-manager', 'ingress', 'teams']));
    for (const set of sets) {
      expect(set.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { 'k8s-platform.io/environment': 'prod' } } } }]);
      expect(set.spec.template.spec.destination.server).toBe('{{server}}');
      expect(set.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    }
    expect(ofKind(objects, 'Application').map((a) => a.metadata.name)).toEqual(['root']);
  });
});
