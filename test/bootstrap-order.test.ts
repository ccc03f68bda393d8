/**
 * From an empty cluster to a synced platform, in order: the Terraform bootstrap's Helm releases,
 * then Argo CD syncing the root Application's tree wave by wave (test/harness/sync-model.ts). No
 * object may arrive before its CRD, its namespace, the Secret it needs, or (an ExternalSecret) its store. Each rule has a hostile
 * twin: the model fed a broken order must object.
 */
import { CLUSTER_ENVIRONMENT_LABEL, REPOSITORY_KEY, REPOSITORY_SECRET } from '../charts/gitops';
import { PLATFORM_NAMESPACES } from '../config';
import { BOOTSTRAP_RELEASES } from '../infra/stacks/gitops-bootstrap-stack';
import { Fixture, FixtureEnvironment, fixtureEnvironments, objectsOf } from './harness/fixtures';
import { SynthesizedInfra, synthesizeInfra } from './harness/infra';
import { applicationSpecOf } from './harness/platform';
import { BootstrapRelease, CHART_CRDS, simulateBootstrap, SyncModelInput } from './harness/sync-model';

const infras = new Map<string, SynthesizedInfra>();
const infraOf = (f: Fixture) => {
  if (!infras.has(f.name)) infras.set(f.name, synthesizeInfra(f.file));
  return infras.get(f.name)!;
};

/** What the argocd-apps chart renders from its values. */
function renderArgocdApps(values: any): any[] {
  const objects = (kind: string, entries: Record<string, any>) => Object.entries(entries ?? {}).map(([name, { namespace, ...spec }]) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name, namespace }, spec,
  }));
  return [...objects('AppProject', values.projects), ...objects('Application', values.applications)];
}

/** The model's input for one fixture environment, read from what cdktf and cdk8s synthesized. */
function modelInput(fx: FixtureEnvironment): SyncModelInput {
  const { names } = fx;
  const gitops = infraOf(fx.fixture).stack(`${names.env}-gitops`);
  const releases = Object.values<any>(gitops.resource.helm_release);
  // depends_on is the only order Terraform guarantees between the two releases.
  const ordered = [...releases].sort((a, b) => (a.depends_on?.length ?? 0) - (b.depends_on?.length ?? 0));
  const bootstrap: BootstrapRelease[] = ordered.map((r) => {
    // The first values document; a second one only adds the credentials, read at apply time.
    const values = JSON.parse(r.values[0]);
    return { name: r.name, chart: r.chart, namespace: r.namespace, createNamespace: r.create_namespace === true, values, objects: r.chart === 'argocd-apps' ? renderArgocdApps(values) : [] };
  });
  const folders = new Map<string, any[]>();
  for (const { folder, obj } of objectsOf(fx)) folders.set(folder, [...(folders.get(folder) ?? []), obj]);
  return {
    bootstrap,
    folders,
    repoURL: names.platform.gitops.repoURL,
    gitopsPath: names.gitopsPath,
    repositorySecret: names.platform.gitops.credentialsSecret ? `${PLATFORM_NAMESPACES.argocd}/${REPOSITORY_SECRET}` : undefined,
    clusterLabel: CLUSTER_ENVIRONMENT_LABEL,
  };
}

describe.each(fixtureEnvironments())('bootstrap of $label', (fx) => {
  const input = modelInput(fx);
  const result = simulateBootstrap(input);

  it('applies no object before its CRD, its namespace or the Secret it needs', () => {
    expect(result.violations).toEqual([]);
  });

  it('hands over without a change: the root release renders exactly the root objects dist/ holds', () => {
    const dist = input.folders.get('argocd-apps')!;
    for (const obj of input.bootstrap[1].objects) {
      const twin = dist.find((o) => o.kind === obj.kind && o.metadata.name === obj.metadata.name);
      expect({ kind: obj.kind, name: obj.metadata.name, spec: twin?.spec, namespace: twin?.metadata.namespace })
        .toEqual({ kind: obj.kind, name: obj.metadata.name, spec: obj.spec, namespace: obj.metadata.namespace });
    }
  });

  it('installs Argo CD with the values of its Application in git, less ServiceMonitors and plus the repository', () => {
    const app = input.folders.get('argocd-apps')!.find((o) => (o.kind === 'Application' || o.kind === 'ApplicationSet')
      && applicationSpecOf(o).source?.chart === 'argo-cd');
    const gitValues = applicationSpecOf(app).source.helm.valuesObject;
    const { [REPOSITORY_KEY]: gitopsRepository, ...repositories } = input.bootstrap[0].values.configs.repositories ?? {};
    const configs = { ...input.bootstrap[0].values.configs, repositories };
    if (Object.keys(repositories).length === 0) delete configs.repositories;
    const withMonitors = JSON.parse(JSON.stringify({ ...input.bootstrap[0].values, configs }).replace(/"serviceMonitor":\{"enabled":false\}/g, '"serviceMonitor":{"enabled":true}'));
    expect(withMonitors).toEqual(gitValues);
    expect(gitopsRepository !== undefined).toBe(fx.names.platform.gitops.credentialsSecret !== undefined);
  });

  it('installs Argo CD first, then the root objects, then syncs every folder of dist/', () => {
    expect(input.bootstrap.map((r) => r.name)).toEqual([BOOTSTRAP_RELEASES.argocd, BOOTSTRAP_RELEASES.root]);
    expect(input.bootstrap[0].objects).toEqual([]);
    const synced = new Set(result.applied.filter((a) => !a.startsWith('release ')).map((a) => a.slice(a.indexOf(': ') + 2)));
    for (const [folder, objects] of input.folders) {
      for (const o of objects) {
        const what = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
        expect({ folder, what, synced: synced.has(what) }).toEqual({ folder, what, synced: true });
      }
    }
  });
});

describe('the bootstrap model refuses a broken order (hostile twins)', () => {
  const [fx] = fixtureEnvironments();
  const fleetFx = fixtureEnvironments().find((e) => e.names.platform.gitops.mode === 'fleet')!;
  const privateRepo = fixtureEnvironments().find((e) => e.names.platform.gitops.credentialsSecret)!;

  it('objects to the root objects in the argo-cd release that installs their CRDs (the old extraObjects bootstrap)', () => {
    const input = modelInput(fx);
    const [argocd, root] = input.bootstrap;
    const broken = { ...input, bootstrap: [{ ...argocd, values: { ...argocd.values, crds: { install: false } }, objects: root.objects }] };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(/AppProject argocd\/platform before the CRD of argoproj\.io/)]));
  });

  it('objects to an Application in a wave before the operator that brings its CRDs', () => {
    const input = modelInput(fx);
    const apps = input.folders.get('argocd-apps')!;
    const operatorGroups = new Set(Object.values(CHART_CRDS).flatMap((c) => c.groups));
    const folderOf = (app: any) => String(app.spec?.source?.path ?? '').slice(input.gitopsPath.length + 1);
    // A folder Application whose objects are custom resources of an operator chart.
    const dependent = apps.find((a) => a.kind === 'Application' && folderOf(a) !== 'argocd-apps' && (input.folders.get(folderOf(a)) ?? [])
      .some((o) => operatorGroups.has(o.apiVersion.split('/')[0])))!;
    expect(dependent).toBeDefined();
    const earliest = Math.min(...apps.map((a) => Number(a.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)));
    const moved = apps.map((a) => (a === dependent ? { ...a, metadata: { ...a.metadata, annotations: { 'argocd.argoproj.io/sync-wave': String(earliest - 1) } } } : a));
    const broken = { ...input, folders: new Map([...input.folders, ['argocd-apps', moved]]) };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^Application ${dependent.metadata.name}: .* before the CRD of `))]));
  });

  it('objects to ExternalSecrets synced before the store they read through', () => {
    const input = modelInput(fx);
    const apps = input.folders.get('argocd-apps')!;
    const folderOf = (app: any) => String(app.spec?.source?.path ?? '').slice(input.gitopsPath.length + 1);
    const storeApp = apps.find((a) => a.kind === 'Application' && (input.folders.get(folderOf(a)) ?? []).some((o) => o.kind === 'ClusterSecretStore'))!;
    expect(storeApp).toBeDefined();
    const latest = Math.max(...apps.map((a) => Number(a.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)));
    const moved = apps.map((a) => (a === storeApp ? { ...a, metadata: { ...a.metadata, annotations: { 'argocd.argoproj.io/sync-wave': String(latest + 1) } } } : a));
    const broken = { ...input, folders: new Map([...input.folders, ['argocd-apps', moved]]) };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(/ExternalSecret .* before its store ClusterSecretStore\//)]));
  });

  it('objects to an object whose namespace nobody creates', () => {
    const input = modelInput(fx);
    const stray = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stray', namespace: 'nowhere' } };
    const [folder, objects] = [...input.folders].find(([f]) => f !== 'argocd-apps')!;
    const broken = { ...input, folders: new Map([...input.folders, [folder, [...objects, stray]]]) };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(/ConfigMap nowhere\/stray before namespace nowhere/)]));
  });

  it('objects to a private repository whose credentials arrive only through git (the ExternalSecret cycle)', () => {
    const input = modelInput(privateRepo);
    const [argocd, root] = input.bootstrap;
    const { repositories: _dropped, ...configs } = argocd.values.configs;
    const broken = { ...input, bootstrap: [{ ...argocd, values: { ...argocd.values, configs } }, root] };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(/fetches .* before its credentials Secret argocd\/argocd-repo-gitops/)]));
  });

  it('objects to ServiceMonitors switched on before the Prometheus operator brings their CRD', () => {
    const input = modelInput(fx);
    const [argocd, root] = input.bootstrap;
    const broken = { ...input, bootstrap: [{ ...argocd, values: { ...argocd.values, server: { ...argocd.values.server, metrics: { enabled: true, serviceMonitor: { enabled: true } } } } }, root] };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(/release argocd: chart argo-cd with serviceMonitor .* before the CRD of monitoring\.coreos\.com/)]));
  });

  it('objects to ApplicationSets when no cluster is registered with their label (fleet mode)', () => {
    const input = modelInput(fleetFx);
    const [argocd, root] = input.bootstrap;
    const { clusterCredentials: _dropped, ...configs } = argocd.values.configs;
    const broken = { ...input, bootstrap: [{ ...argocd, values: { ...argocd.values, configs } }, root] };
    expect(simulateBootstrap(broken).violations).toEqual(expect.arrayContaining([expect.stringMatching(/selects clusters labelled .*, and none is registered/)]));
  });
});
