/**
 * High availability of the platform's own controllers, read from the Helm values each environment
 * passes (what each value does at the pinned chart version is in fixtures/chart-availability.ts):
 * in production, every controller with more than one replica elects a leader, and everything the
 * API server calls (admission webhooks, aggregated APIs) runs at least two replicas with a
 * PodDisruptionBudget. Everywhere, a controller without leader election runs exactly one replica.
 */
import { CHART_AVAILABILITY, CHARTS_WITHOUT_CONTROLLERS } from './fixtures/chart-availability';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { folderWave, helmSources } from './harness/helm-sources';
import { applicationSpecOf, PlacedObject } from './harness/platform';

/** Each way the environment's charts would lose availability or race, one line each. */
export function availabilityProblems(objects: PlacedObject[], production: boolean): string[] {
  const problems: string[] = [];
  for (const { name, source } of helmSources(objects)) {
    const workloads = CHART_AVAILABILITY[source.chart];
    if (!workloads) {
      if (!CHARTS_WITHOUT_CONTROLLERS.includes(source.chart)) problems.push(`${name}: chart ${source.chart} is not described in fixtures/chart-availability.ts`);
      continue;
    }
    const values = source.helm.valuesObject ?? {};
    for (const w of workloads) {
      const replicas = w.replicas(values);
      const id = `${name}/${w.name}`;
      if (w.controller && replicas > 1 && !w.leaderElection(values)) problems.push(`${id}: ${replicas} replicas without leader election reconcile the same objects and race`);
      if (production && w.servesApiServer && replicas < 2) problems.push(`${id}: the API server calls it, but it runs ${replicas} replica in production`);
      if (production && w.servesApiServer && !w.disruptionBudget(values)) problems.push(`${id}: the API server calls it, but no PodDisruptionBudget keeps one replica up during node drains`);
    }
  }
  return problems;
}

describe.each(fixtureEnvironments())('availability in $label', (fx) => {
  const objects = objectsOf(fx);
  const production = fx.names.environment.production;

  it(`has ${production ? 'leader election for replicated controllers and two replicas with a PDB for every webhook' : 'no replicated controller without leader election'}`, () => {
    expect(availabilityProblems(objects, production)).toEqual([]);
  });
});

describe('the availability model itself', () => {
  const prod = fixtureEnvironments().find((f) => f.names.environment.production)!;
  const objects = objectsOf(prod);
  /** The production objects with one release's values changed. */
  const withValues = (release: string, change: (v: any) => void): PlacedObject[] => objects.map((o) => {
    if (!((o.obj.kind === 'Application' || o.obj.kind === 'ApplicationSet') && o.obj.metadata.name === release)) return o;
    const obj = JSON.parse(JSON.stringify(o.obj));
    change(applicationSpecOf(obj).source.helm.valuesObject);
    return { ...o, obj };
  });

  it('refuses two External Secrets controllers without leader election', () => {
    expect(availabilityProblems(withValues('external-secrets', (v) => { v.leaderElect = false; }), true))
      .toEqual(expect.arrayContaining([expect.stringContaining('external-secrets/controller: 2 replicas without leader election')]));
  });

  it('refuses a single cert-manager webhook in production', () => {
    expect(availabilityProblems(withValues('cert-manager', (v) => { v.webhook.replicaCount = 1; }), true))
      .toEqual([expect.stringContaining('cert-manager/webhook: the API server calls it, but it runs 1 replica in production')]);
  });

  it('refuses a replicated webhook without a PodDisruptionBudget in production', () => {
    expect(availabilityProblems(withValues('external-secrets', (v) => { v.webhook.podDisruptionBudget.enabled = false; }), true))
      .toEqual([expect.stringContaining('external-secrets/webhook: the API server calls it, but no PodDisruptionBudget')]);
  });

  it('refuses a second external-dns, which has no leader election', () => {
    expect(availabilityProblems(withValues('external-dns', (v) => { v.replicaCount = 2; }), false))
      .toEqual([expect.stringContaining('external-dns/controller: 2 replicas without leader election')]);
  });

  it('refuses a chart it knows nothing about', () => {
    const unknown = withValues('velero', () => undefined).map((o) => (o.obj.metadata.name === 'velero' && o.obj.kind.startsWith('Application')
      ? { ...o, obj: JSON.parse(JSON.stringify(o.obj).replace('"chart":"velero"', '"chart":"mystery-operator"')) } : o));
    expect(availabilityProblems(unknown, true)).toEqual([expect.stringContaining('chart mystery-operator is not described')]);
  });

  it('accepts the same values for a non-production environment with single webhooks', () => {
    expect(availabilityProblems(withValues('cert-manager', (v) => { v.webhook.replicaCount = 1; }), false)).toEqual([]);
  });
});

/**
 * Charts render their ServiceMonitors and PodMonitors only when Argo CD's view of the cluster
 * already has monitoring.coreos.com (several check .Capabilities), so the CRDs must be synced in an
 * earlier wave than every chart that enables one and every folder that holds one.
 */
export function monitoringOrderProblems(objects: PlacedObject[]): string[] {
  const sources = helmSources(objects);
  const crds = sources.find((h) => h.source.chart === 'prometheus-operator-crds');
  if (!crds) return ['no prometheus-operator-crds release'];
  const problems: string[] = [];
  const enablesMonitor = (v: unknown): boolean => {
    if (!v || typeof v !== 'object') return false;
    return Object.entries(v as Record<string, unknown>).some(([k, x]) =>
      (/^(serviceMonitor|servicemonitor|podMonitor)$/.test(k) && (x as any)?.enabled === true) || enablesMonitor(x));
  };
  for (const h of sources) {
    if (h !== crds && enablesMonitor(h.source.helm.valuesObject) && h.wave <= crds.wave) problems.push(`${h.name} renders a monitor in wave ${h.wave}, not after the CRDs (wave ${crds.wave})`);
    if (h.source.chart === 'kube-prometheus-stack' && h.source.helm.valuesObject.crds?.enabled !== false) problems.push(`${h.name} installs the CRDs a second time`);
  }
  const folders = new Set(objects.filter((o) => String(o.obj.apiVersion).startsWith('monitoring.coreos.com/')).map((o) => o.folder));
  for (const folder of folders) {
    const wave = folderWave(objects, folder);
    if (wave <= crds.wave) problems.push(`folder ${folder} holds monitoring objects in wave ${wave}, not after the CRDs`);
  }
  return problems;
}

describe.each(fixtureEnvironments())('monitoring on a fresh cluster in $label', (fx) => {
  it('syncs the prometheus-operator CRDs before every chart and folder that uses them', () => {
    expect(monitoringOrderProblems(objectsOf(fx))).toEqual([]);
  });
});

it('refuses a chart whose ServiceMonitor would sync in the same wave as the CRDs', () => {
  const fx = fixtureEnvironments()[0];
  const moved = objectsOf(fx).map((o) => (o.obj.metadata?.name === 'karpenter' && o.obj.kind.startsWith('Application')
    ? { ...o, obj: { ...o.obj, metadata: { ...o.obj.metadata, annotations: { ...o.obj.metadata.annotations, 'argocd.argoproj.io/sync-wave': '-4' } } } } : o));
  expect(monitoringOrderProblems(moved)).toEqual([expect.stringContaining('karpenter renders a monitor in wave -4')]);
});

describe.each(fixtureEnvironments())('CRD charts in $label', (fx) => {
  it('tell Argo CD never to prune or delete the CRDs that every NodePool and monitor depends on', () => {
    const sources = helmSources(objectsOf(fx));
    const annotations = (chart: string) => {
      const values = sources.find((h) => h.source.chart === chart)!.source.helm.valuesObject;
      return chart === 'karpenter-crd' ? values.additionalAnnotations : values.crds.annotations;
    };
    for (const chart of ['karpenter-crd', 'prometheus-operator-crds']) {
      expect(annotations(chart)['argocd.argoproj.io/sync-options'].split(',')).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
    }
  });
});
