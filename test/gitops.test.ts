import { HELM_CHARTS } from '../config';
import { APPS_FOLDER, CLUSTER_ENVIRONMENT_LABEL, PRODUCTION_VIEWER_ROLE, fleetName, REPOSITORY_SECRET, repositoryCredentialFields, rootApplicationName, TEAM_KINDS } from '../charts/gitops';
import { SYNC_WAVE } from '../charts/lib/platform-chart';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { applicationSpecs, helmValues, ofKind } from './harness/platform';


describe.each(fixtureEnvironments())('Argo CD tree of $label', (fx) => {
  const names = fx.names;
  const placed = objectsOf(fx);
  const fleet = names.platform.gitops.mode === 'fleet';
  const apps = applicationSpecs(placed);
  const deployment = (name: string) => apps.find((a) => a.name === fleetName(names, name) || a.name === name);

  it('syncs everything automatically with prune, self-heal and retry with backoff', () => {
    expect(apps.length).toBeGreaterThan(5);
    for (const app of apps) {
      expect({ app: app.name, automated: app.spec.syncPolicy.automated }).toEqual({ app: app.name, automated: { prune: true, selfHeal: true } });
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

  it('owns every folder of dist/<env> by exactly one Application, the apps folder by the root', () => {
    const folders = [...new Set(placed.map((o) => o.folder))].sort();
    const prefix = `${names.gitopsPath}/`;
    const owners = new Map<string, string[]>();
    for (const app of apps.filter((a) => a.spec.source.repoURL === names.platform.gitops.repoURL && a.spec.source.path)) {
      expect(app.spec.source.path.startsWith(prefix)).toBe(true);
      const folder = app.spec.source.path.slice(prefix.length);
      owners.set(folder, [...(owners.get(folder) ?? []), app.name]);
    }
    expect([...owners.keys()].sort()).toEqual(folders);
    for (const [folder, by] of owners) expect({ folder, by: by.length }).toEqual({ folder, by: 1 });
    expect(owners.get(APPS_FOLDER)).toEqual([rootApplicationName(names)]);
  });

  it('points the root Application at this environment\'s apps folder in the GitOps repository', () => {
    const root = ofKind(placed, 'Application').find((a) => a.metadata.name === rootApplicationName(names));
    expect(root.spec.source).toEqual({ repoURL: names.platform.gitops.repoURL, targetRevision: names.platform.gitops.revision, path: `${names.gitopsPath}/${APPS_FOLDER}` });
  });

  it('orders operators before their custom resources, and platform before teams', () => {
    const wave = (name: string) => Number(deployment(name)!.wave);
    expect(wave('teams')).toBeLessThan(wave('cert-manager'));
    expect(wave('cert-manager')).toBeLessThan(wave('gateway'));
    expect(wave('gateway-crds')).toBeLessThan(wave('envoy-gateway'));
    expect(wave('envoy-gateway')).toBeLessThan(wave('gateway'));
    expect(wave('cert-manager')).toBeLessThan(wave('aws-load-balancer-controller'));
    expect(wave('aws-load-balancer-controller')).toBeLessThan(wave('gateway'));
    expect(wave('external-secrets')).toBeLessThan(wave('secrets'));
    for (const team of names.teams.filter((t) => t.sourceRepos.length > 0)) {
      expect(wave(`team-${team.name}`)).toBe(SYNC_WAVE.teams);
      expect(wave('gateway')).toBeLessThan(wave(`team-${team.name}`));
    }
  });

  it('applies CRD-bearing charts server-side and lets custom resources skip the dry run', () => {
    for (const name of ['cert-manager', 'external-secrets', 'argocd']) {
      expect(deployment(name)!.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    }
    for (const issuer of ofKind(placed, 'ClusterIssuer')) {
      expect(issuer.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
    }
  });

  it('restricts each team AppProject to its repositories and namespace, with no cluster-scoped kinds', () => {
    for (const team of names.teams) {
      const project = ofKind(placed, 'AppProject').find((p) => p.metadata.name === team.name);
      expect(project.spec.destinations).toEqual([{ server: fleet ? '*' : 'https://kubernetes.default.svc', namespace: team.name }]);
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
      expect(project.spec.sourceRepos).toEqual([...team.sourceRepos, ...(team.apps.length ? [names.platform.gitops.repoURL] : [])].sort());
      expect(project.spec.namespaceResourceWhitelist).toEqual(TEAM_KINDS);
      expect(project.spec.namespaceResourceBlacklist).toBeUndefined();
      expect(project.spec.roles[0].groups).toEqual(team.groups);
      expect(project.spec.roles[0].policies.every((p: string) => p.includes(`${team.name}/*`))).toBe(true);
    }
  });

  it('deploys each team\'s own repository inside the team\'s project and namespace', () => {
    for (const team of names.teams.filter((t) => t.sourceRepos.length > 0)) {
      const app = deployment(`team-${team.name}`)!;
      expect(app.spec.project).toBe(team.name);
      expect(app.spec.destination.namespace).toBe(team.name);
    }
  });

  it('signs people in to Argo CD with the IdP: admins and viewers by group, nothing for anyone else, no local admin', () => {
    const values = fleet ? deployment('argocd')!.spec.source.helm.valuesObject : helmValues(placed, 'argocd');
    for (const group of names.platform.identity.adminGroups) expect(values.configs.rbac['policy.csv']).toContain(`g, ${group}, role:admin`);
    const viewerRole = names.environment.production ? PRODUCTION_VIEWER_ROLE : 'role:readonly';
    for (const group of names.platform.identity.viewerGroups) expect(values.configs.rbac['policy.csv']).toContain(`g, ${group}, ${viewerRole}`);
    expect(values.configs.rbac['policy.default']).toBe('');
    expect(values.configs.cm['admin.enabled']).toBe(false);
    expect(values.configs.cm['oidc.config']).toContain(`issuer: ${names.platform.identity.issuerURL}`);
    expect(values.configs.cm['oidc.config']).toContain('clientSecret: $argocd-oidc:clientSecret');
    const oidc = ofKind(placed, 'ExternalSecret').find((e) => e.metadata.name === 'argocd-oidc');
    expect(oidc.spec.target.template.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'argocd' });
  });

  it('serves the Argo CD UI through the gateway behind its SSO, not through the chart\'s Ingress', () => {
    const values = fleet ? deployment('argocd')!.spec.source.helm.valuesObject : helmValues(placed, 'argocd');
    expect(values.server.ingress).toEqual({ enabled: false });
    const route = ofKind(placed, 'HTTPRoute').find((r) => r.metadata.name === 'argocd');
    expect(route.metadata.namespace).toBe('argocd');
    expect(route.spec.hostnames).toEqual([names.hostname('argocd')]);
    expect(route.spec.rules[0].backendRefs).toEqual([expect.objectContaining({ name: 'argocd-server', port: 80 })]);
    expect(ofKind(placed, 'SecurityPolicy').find((p) => p.metadata.name === 'argocd-sso').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'argocd' }]);
  });

  it('logs people in to Argo CD with its own OIDC client, not the Kubernetes API\'s', () => {
    const values = fleet ? deployment('argocd')!.spec.source.helm.valuesObject : helmValues(placed, 'argocd');
    expect(values.configs.cm['oidc.config']).toContain(`clientID: ${names.platform.identity.clients.argocd}`);
    expect(names.platform.identity.clients.argocd).not.toBe(names.platform.identity.clients.kubernetes);
  });

  it('installs the Gateway API CRDs of the standard channel and keeps Envoy Gateway\'s bundled experimental ones out', () => {
    expect(deployment('gateway-crds')!.spec.source.helm.valuesObject.crds).toEqual({ gatewayAPI: { enabled: true, channel: 'standard' }, envoyGateway: { enabled: true } });
    const eg = deployment('envoy-gateway')!.spec.source;
    expect(eg.helm.skipCrds).toBe(true);
    expect(eg.helm.valuesObject.crds).toEqual({ enabled: false });
    expect(eg).toMatchObject({ repoURL: 'docker.io/envoyproxy', chart: 'gateway-helm', targetRevision: 'v1.9.0' });
    // Argo CD only pulls from an OCI registry declared as a Helm repository with OCI on; a repoURL without a scheme is one.
    const values = fleet ? deployment('argocd')!.spec.source.helm.valuesObject : helmValues(placed, 'argocd');
    const declared = Object.values<any>(values.configs.repositories);
    const ociRegistries = new Set(apps.map((a) => a.spec.source?.repoURL).filter((u) => u && !/^[a-z]+:\/\//.test(u)));
    expect(ociRegistries).toContain('docker.io/envoyproxy');
    for (const url of ociRegistries) expect(declared).toContainEqual(expect.objectContaining({ url, type: 'helm', enableOCI: 'true' }));
  });

  it('runs Argo CD highly available in production only', () => {
    const values = fleet ? deployment('argocd')!.spec.source.helm.valuesObject : helmValues(placed, 'argocd');
    expect(values['redis-ha'].enabled).toBe(names.environment.production);
    expect(values.server.replicas).toBe(names.environment.production ? 2 : 1);
  });

  it('keeps the repository Secret the bootstrap created current from the backend, never from git', () => {
    const creds = ofKind(placed, 'ExternalSecret').find((e) => e.metadata.name === REPOSITORY_SECRET);
    if (!names.platform.gitops.credentialsSecret) return expect(creds).toBeUndefined();
    expect(creds.spec.target).toMatchObject({ name: REPOSITORY_SECRET, creationPolicy: 'CreateOrMerge' });
    expect(creds.spec.target.template.metadata.labels['argocd.argoproj.io/secret-type']).toBe('repository');
    expect(creds.spec.data.map((d: any) => d.secretKey)).toEqual(repositoryCredentialFields(names.platform.gitops.repoURL));
    for (const d of creds.spec.data) expect(d.remoteRef.key).toBe(names.platformSecret(names.platform.gitops.credentialsSecret));
    expect(ofKind(placed, 'Secret')).toEqual([]);
  });

  if (fleet) {
    it('rolls every component out as an ApplicationSet over the clusters labelled with the environment', () => {
      const sets = ofKind(placed, 'ApplicationSet');
      expect(sets.length).toBeGreaterThan(5);
      for (const set of sets) {
        expect(set.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { [CLUSTER_ENVIRONMENT_LABEL]: names.env } } } }]);
        expect(set.spec.template.spec.destination.server).toBe('{{server}}');
      }
      expect(ofKind(placed, 'Application').map((a) => a.metadata.name)).toEqual([rootApplicationName(names)]);
    });

    it('registers this cluster with Argo CD under the label its ApplicationSets select', () => {
      const values = deployment('argocd')!.spec.source.helm.valuesObject;
      expect(values.configs.clusterCredentials[names.argocdClusterName]).toMatchObject({ server: 'https://kubernetes.default.svc', labels: { [CLUSTER_ENVIRONMENT_LABEL]: names.env } });
    });
  }
});

describe('fleet mode across environments', () => {
  const fleetEnvs = fixtureEnvironments().filter((e) => e.names.platform.gitops.mode === 'fleet');

  it('is exercised by at least one fixture with several environments', () => {
    expect(new Set(fleetEnvs.map((e) => e.fixture.name)).size).toBeGreaterThan(0);
    expect(fleetEnvs.length).toBeGreaterThan(1);
  });

  it('gives Applications, ApplicationSets and cluster registrations names that no two environments share (one Argo CD can hold them all)', () => {
    for (const fixtureName of new Set(fleetEnvs.map((e) => e.fixture.name))) {
      const envs = fleetEnvs.filter((e) => e.fixture.name === fixtureName);
      const seen = new Map<string, string>();
      for (const e of envs) {
        const objects = objectsOf(e).map((p) => p.obj);
        const argo = objects.filter((o) => o.kind === 'Application' || o.kind === 'ApplicationSet').map((o) => `${o.kind}/${o.metadata.name}`);
        argo.push(`cluster/${e.names.argocdClusterName}`);
        for (const key of argo) {
          expect({ key, also: seen.get(key) }).toEqual({ key, also: undefined });
          seen.set(key, e.label);
        }
      }
    }
  });
});
