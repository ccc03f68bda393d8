/**
 * Properties every valid platform.yaml must give, checked on every fixture environment: what Argo
 * CD syncs exists, every team is fenced, every declared app gets its whole golden path, every AWS
 * identity is bound exactly once, and every alert can fire.
 */
import { parseQuantity } from '../config';
import { renderEnvironment } from '../charts/platform';
import { platformAlertGroups, PLATFORM_ALERT_GROUPS } from '../charts/monitoring';
import { applicationSpecs, ofKind } from './harness/platform';
import { synthesizeInfra } from './harness/infra';
import { FixtureEnvironment, fixtureEnvironments, fixtures, objectsOf } from './harness/fixtures';
import { variantEnvironment } from './harness/platform';

/**
 * A small model of admission for a team namespace: LimitRange defaults fill missing requests and
 * limits, a request above its limit is refused, and every Deployment at its autoscaling maximum
 * plus its rolling-update surge must fit the ResourceQuota.
 */
function admissionProblems(objects: any[], ns: string): string[] {
  const inNs = (kind: string) => objects.filter((o) => o.kind === kind && o.metadata.namespace === ns);
  const [limitRange] = inNs('LimitRange');
  const [quota] = inNs('ResourceQuota');
  const defaults = limitRange.spec.limits.find((l: any) => l.type === 'Container');
  const problems: string[] = [];
  const used: Record<string, number> = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0, pods: 0 };
  for (const deployment of inNs('Deployment')) {
    const hpa = inNs('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === deployment.metadata.name);
    const max = hpa?.spec.maxReplicas ?? deployment.spec.replicas;
    const surge = String(deployment.spec.strategy?.rollingUpdate?.maxSurge ?? '25%');
    const pods = max + (surge.endsWith('%') ? Math.ceil((max * parseInt(surge, 10)) / 100) : Number(surge));
    used.pods += pods;
    for (const c of deployment.spec.template.spec.containers) {
      for (const resource of ['cpu', 'memory']) {
        const request = parseQuantity(String(c.resources?.requests?.[resource] ?? defaults.defaultRequest[resource]));
        const limit = parseQuantity(String(c.resources?.limits?.[resource] ?? defaults.default[resource]));
        if (request > limit) problems.push(`${deployment.metadata.name}/${c.name}: ${resource} request above its limit`);
        used[`requests.${resource}`] += pods * request;
        used[`limits.${resource}`] += pods * limit;
      }
    }
  }
  for (const [key, value] of Object.entries(used)) {
    if (value > parseQuantity(String(quota.spec.hard[key])) * (1 + 1e-9)) problems.push(`${key}: ${value} over the quota's ${quota.spec.hard[key]}`);
  }
  return problems;
}

describe('the admission model', () => {
  const env = fixtureEnvironments().find((e) => e.names.teams.some((t) => t.apps.length > 0))!;
  const team = env.names.teams.find((t) => t.apps.length > 0)!;
  const ns = env.names.teamNamespace(team);
  const copy = () => JSON.parse(JSON.stringify(objectsOf(env).map((o) => o.obj)));

  it('admits the generated team', () => {
    expect(admissionProblems(copy(), ns)).toEqual([]);
  });

  it('refuses a quota with too few pods for the maximum plus a rollout', () => {
    const objects = copy();
    objects.find((o: any) => o.kind === 'ResourceQuota' && o.metadata.namespace === ns).spec.hard.pods = 1;
    expect(admissionProblems(objects, ns)).toEqual([expect.stringMatching(/^pods: \d+ over the quota's 1$/)]);
  });

  it('refuses a CPU request above the default CPU limit', () => {
    const objects = copy();
    const deployment = objects.find((o: any) => o.kind === 'Deployment' && o.metadata.namespace === ns);
    deployment.spec.template.spec.containers[0].resources.requests.cpu = '2';
    expect(admissionProblems(objects, ns)).toContain(`${deployment.metadata.name}/${deployment.spec.template.spec.containers[0].name}: cpu request above its limit`);
  });
});

describe.each(fixtureEnvironments())('$label', (fixtureEnv: FixtureEnvironment) => {
  const { names } = fixtureEnv;
  const objects = objectsOf(fixtureEnv);
  const folders = new Set([...renderEnvironment(names).keys()].map((f) => f.split('/')[0]));
  const inNamespace = (kind: string, ns: string) => ofKind(objects, kind).filter((o) => o.metadata.namespace === ns);

  it('points every Argo CD Application at a folder of dist/<env> that exists', () => {
    const gitops = names.platform.gitops;
    const fromGitops = applicationSpecs(objects).filter((a) => a.spec.source?.repoURL === gitops.repoURL && a.spec.source.path);
    expect(fromGitops.length).toBeGreaterThan(0);
    for (const { name, spec } of fromGitops) {
      const folder = (spec.source.path as string).slice(`${names.gitopsPath}/`.length);
      expect({ name, path: spec.source.path, exists: spec.source.path.startsWith(`${names.gitopsPath}/`) && folders.has(folder) })
        .toEqual({ name, path: spec.source.path, exists: true });
    }
  });

  it('owns every folder of dist/<env> by exactly one Application', () => {
    const paths = applicationSpecs(objects).map((a) => a.spec.source?.path).filter(Boolean);
    for (const folder of folders) expect({ folder, owners: paths.filter((p) => p === `${names.gitopsPath}/${folder}`).length }).toEqual({ folder, owners: 1 });
  });

  it.each(names.teams.map((t) => [t.name, t] as const))('fences team %s: restricted namespace, quota, limits, default-deny', (_name, team) => {
    const ns = names.teamNamespace(team);
    const namespace = ofKind(objects, 'Namespace').find((n) => n.metadata.name === ns);
    expect(namespace?.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(inNamespace('ResourceQuota', ns)).toHaveLength(1);
    expect(inNamespace('LimitRange', ns)).toHaveLength(1);
    const denyAll = inNamespace('NetworkPolicy', ns).find((p) => Object.keys(p.spec.podSelector ?? {}).length === 0 && !p.spec.ingress && p.spec.policyTypes?.includes('Ingress'));
    expect(denyAll).toBeDefined();
    expect(inNamespace('SecretStore', ns)).toHaveLength(1);
  });

  const apps = names.teams.flatMap((team) => team.apps.map((app) => ({ label: `${team.name}/${app.name}`, team, app })));
  if (apps.length > 0) {
    it.each(apps)('gives app $label its whole golden path', ({ team, app }) => {
      const ns = names.teamNamespace(team);
      const named = (kind: string) => inNamespace(kind, ns).filter((o) => o.metadata.name === app.name || o.metadata.name.startsWith(`${app.name}-`));
      for (const kind of ['ServiceAccount', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy']) {
        expect({ kind, present: named(kind).length > 0 }).toEqual({ kind, present: true });
      }
      const hosts = named('HTTPRoute').flatMap((r) => r.spec.hostnames ?? []);
      expect(hosts).toContain(names.appHostname(team, app));
      expect(named('ServiceMonitor').length > 0).toBe(app.metricsPath !== null);
      expect(named('ExternalSecret').length > 0).toBe(app.secrets.length > 0);
      const [deployment] = named('Deployment');
      expect(deployment.spec.template.spec.containers[0].image).toContain(names.ecrRepository(team, app));
    });
  }

  it.each(names.teams.map((t) => [t.name, t] as const))('admits team %s\'s apps at their autoscaling maximum plus a rollout, under its LimitRange and quota', (_name, team) => {
    expect(admissionProblems(objects.map((o) => o.obj), names.teamNamespace(team))).toEqual([]);
  });

  it('creates the service account of every AWS identity where infra binds it (the EBS CSI add-on\'s is EKS\'s own)', () => {
    for (const identity of names.workloadIdentities.filter((w) => w.component !== 'ebs-csi' && !w.viaAddon)) {
      const creators = applicationSpecs(objects).filter((a) => a.spec.destination.namespace === identity.namespace
        && serviceAccountsCreated(a.spec.source?.helm?.valuesObject).includes(identity.serviceAccount));
      expect({ component: identity.component, creators: creators.length }).toEqual({ component: identity.component, creators: 1 });
    }
  });

  it('emits only alerts whose metrics something in this environment exports', () => {
    // The monitoring chart's rules; capacity and backup alerts come with the charts whose exporters they watch.
    const emitted = objects.filter((o) => o.folder === 'monitoring' && o.obj.kind === 'PrometheusRule').map((o) => o.obj).flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => x.alert)));
    expect(emitted.sort()).toEqual(platformAlertGroups(names).flatMap((g) => g.rules.map((r) => r.alert)).sort());
    if (emitted.includes('LogStoreNotGreen')) expect(applicationSpecs(objects).some((a) => a.spec.source?.helm?.releaseName === 'elasticsearch-exporter')).toBe(true);
  });
});

/** Service accounts a chart's values create: `serviceAccount` at the top, or per component (Velero's `serviceAccount.server`). */
function serviceAccountsCreated(values: any): string[] {
  const sa = values?.serviceAccount;
  if (!sa) return [];
  const entries = sa.create !== undefined ? [sa] : Object.values<any>(sa);
  return entries.filter((e) => e?.create === true && typeof e.name === 'string').map((e) => e.name);
}

describe('alerts that need an exporter', () => {
  it('leaves LogStoreNotGreen out with OpenSearch, which has no elasticsearch-exporter, and keeps it with ECK', () => {
    const alerts = (backend: string) => platformAlertGroups(variantEnvironment('dev', (d) => { d.logging = { backend }; })).flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts('opensearch')).not.toContain('LogStoreNotGreen');
    expect(alerts('elasticsearch')).toContain('LogStoreNotGreen');
    expect(alerts('opensearch')).toEqual(expect.arrayContaining(['LogShippingFailing', 'LogShippingDropping']));
    expect(PLATFORM_ALERT_GROUPS.flatMap((g) => g.rules.map((r) => r.alert))).toContain('LogStoreNotGreen');
  });
});

describe.each(fixtures().map((f) => [f.name, f] as const))('AWS identities of %s', (_name, f) => {
  const infra = synthesizeInfra(f.file);

  it.each(f.names.environments.map((e) => [e.env, e] as const))('binds every service account with an AWS role by exactly one Pod Identity association in %s', (_env, env) => {
    const associations = infra.resources(env.env, 'aws_eks_pod_identity_association');
    const key = (ns: string, sa: string) => `${ns}/${sa}`;
    const counts = new Map<string, number>();
    for (const a of associations) counts.set(key(a.namespace, a.service_account), (counts.get(key(a.namespace, a.service_account)) ?? 0) + 1);
    for (const [pair, n] of counts) expect({ pair, n }).toEqual({ pair, n: 1 });
    expect([...counts.keys()].sort()).toEqual(env.workloadIdentities.filter((w) => !w.viaAddon).map((w) => key(w.namespace, w.serviceAccount)).sort());
  });
});
