/**
 * A model of how a fresh cluster comes up: the Terraform bootstrap's Helm releases in order, then
 * Argo CD syncing the root Application's tree. It records a violation whenever an object would be
 * applied before its CRD, its namespace, or a Secret it needs exists (for an ExternalSecret: before
 * the store it reads through, without which its Secret never appears).
 *
 * Argo CD's rules as modelled:
 * - within an Application, resources apply by sync wave (lowest first); within a wave Namespaces,
 *   then CRDs, then the rest;
 * - a child Application is synced when its parent applies it; the root waits for the children of a
 *   wave to be healthy before the next wave (the Application health check in argocd-release.ts), and
 *   children of the same wave sync concurrently, so none may rely on another of its wave;
 * - a Helm Application brings the CRDs its chart installs (CHART_CRDS) and, with CreateNamespace,
 *   its namespace; a folder Application brings whatever its folder holds;
 * - fetching the GitOps repository needs its credentials Secret; an ApplicationSet's cluster
 *   generator needs the cluster Secret with the environment label.
 */

/** API groups a chart's CRDs define, and whether the given values install them. */
export const CHART_CRDS: Record<string, { groups: string[]; installs: (values: any) => boolean }> = {
  'argo-cd': { groups: ['argoproj.io'], installs: (v) => v?.crds?.install !== false },
  'kube-prometheus-stack': { groups: ['monitoring.coreos.com'], installs: (v) => v?.crds?.enabled !== false },
  'cert-manager': { groups: ['cert-manager.io', 'acme.cert-manager.io'], installs: (v) => v?.crds?.enabled === true || v?.installCRDs === true },
  'external-secrets': { groups: ['external-secrets.io', 'generators.external-secrets.io'], installs: (v) => v?.installCRDs !== false },
  // CRD-only charts, a wave before everything that uses their kinds.
  'prometheus-operator-crds': { groups: ['monitoring.coreos.com'], installs: () => true },
  'karpenter-crd': { groups: ['karpenter.sh', 'karpenter.k8s.aws'], installs: () => true },
  'gateway-crds-helm': { groups: ['gateway.networking.k8s.io', 'gateway.envoyproxy.io'], installs: (v) => v?.crds?.gatewayAPI?.enabled === true && v?.crds?.envoyGateway?.enabled === true },
  // Controllers whose bundled CRDs the platform skips (Argo CD `helm.skipCrds`; the CRD charts above own them).
  karpenter: { groups: ['karpenter.sh', 'karpenter.k8s.aws'], installs: () => false },
  'gateway-helm': { groups: ['gateway.networking.k8s.io', 'gateway.envoyproxy.io'], installs: () => false },
  'aws-load-balancer-controller': { groups: ['elbv2.k8s.aws', 'gateway.k8s.aws'], installs: () => true },
  velero: { groups: ['velero.io'], installs: () => true },
  'eck-operator': { groups: ['elasticsearch.k8s.elastic.co', 'kibana.k8s.elastic.co', 'apm.k8s.elastic.co', 'beat.k8s.elastic.co', 'agent.k8s.elastic.co', 'enterprisesearch.k8s.elastic.co', 'maps.k8s.elastic.co', 'logstash.k8s.elastic.co', 'stackconfigpolicy.k8s.elastic.co', 'autoscaling.k8s.elastic.co'], installs: (v) => v?.installCRDs !== false },
};

/** CRDs an EKS add-on installs with the cluster, before any bootstrap release (the snapshot controller's). */
const TERRAFORM_INSTALLED_GROUPS = ['snapshot.storage.k8s.io'];

/** Groups served by the API server itself (everything else needs a CRD; Gateway API and snapshots are CRDs despite their k8s.io names). */
const BUILT_IN_GROUP = /^(|apps|batch|autoscaling|policy|(rbac\.authorization|networking|storage|admissionregistration|apiextensions|scheduling|coordination|discovery|events|node|certificates|flowcontrol\.apiserver|resource)\.k8s\.io)$/;
/** Custom kinds a chart's values turn on (monitoring integrations), by values key. */
const VALUE_KINDS: Record<string, string> = { serviceMonitor: 'monitoring.coreos.com', prometheusRule: 'monitoring.coreos.com', podMonitor: 'monitoring.coreos.com' };

export interface BootstrapRelease {
  readonly name: string;
  readonly chart: string;
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly values: any;
  /** Objects the chart renders from values that the model checks (argocd-apps' projects and applications). */
  readonly objects: any[];
}

export interface SyncModelInput {
  /** Terraform's Helm releases, in the order their depends_on enforces. */
  readonly bootstrap: BootstrapRelease[];
  /** dist/<env> folder -> its objects. */
  readonly folders: Map<string, any[]>;
  readonly repoURL: string;
  /** dist/<env> inside the GitOps repository. */
  readonly gitopsPath: string;
  /** `namespace/name` of the Secret Argo CD needs to fetch the GitOps repository (private repositories). */
  readonly repositorySecret?: string;
  /** Label an ApplicationSet's cluster generator selects on: a cluster Secret carrying it must exist. */
  readonly clusterLabel?: string;
}

interface State {
  groups: Set<string>;
  namespaces: Set<string>;
  secrets: Set<string>;
  clusterLabels: Set<string>;
  /** `ClusterSecretStore/<name>` and `SecretStore/<namespace>/<name>`. */
  stores: Set<string>;
}

export interface SyncModelResult {
  /** `<who>: <kind> <namespace/name>` in apply order. */
  readonly applied: string[];
  readonly violations: string[];
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
const waveOf = (obj: any) => Number(obj.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const kindRank = (obj: any) => (obj.kind === 'Namespace' ? 0 : obj.kind === 'CustomResourceDefinition' ? 1 : 2);
const clone = (s: State): State => ({ groups: new Set(s.groups), namespaces: new Set(s.namespaces), secrets: new Set(s.secrets), clusterLabels: new Set(s.clusterLabels), stores: new Set(s.stores) });
const merge = (into: State, from: State) => {
  from.groups.forEach((g) => into.groups.add(g));
  from.namespaces.forEach((n) => into.namespaces.add(n));
  from.secrets.forEach((s) => into.secrets.add(s));
  from.clusterLabels.forEach((l) => into.clusterLabels.add(l));
  from.stores.forEach((l) => into.stores.add(l));
};

/** Every `key: { enabled: true }` under a values tree whose key names a custom kind. */
function kindsEnabledBy(values: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (VALUE_KINDS[k] && x && typeof x === 'object' && (x as any).enabled === true) found.push(`${k} (${VALUE_KINDS[k]})`);
      walk(x);
    }
  };
  walk(values);
  return found;
}

export function simulateBootstrap(input: SyncModelInput): SyncModelResult {
  const applied: string[] = [];
  const violations: string[] = [];
  const state: State = { groups: new Set(TERRAFORM_INSTALLED_GROUPS), namespaces: new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']), secrets: new Set(), clusterLabels: new Set(), stores: new Set() };

  const needGroup = (s: State, group: string, who: string, what: string) => {
    if (!BUILT_IN_GROUP.test(group) && !s.groups.has(group)) violations.push(`${who}: ${what} before the CRD of ${group}`);
  };

  /** Apply one object: check what it needs, then record what it provides. */
  const applyObject = (s: State, obj: any, who: string) => {
    const ns = obj.metadata?.namespace;
    const what = `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata?.name}`;
    applied.push(`${who}: ${what}`);
    needGroup(s, groupOf(obj.apiVersion), who, what);
    if (ns && !s.namespaces.has(ns)) violations.push(`${who}: ${what} before namespace ${ns}`);
    if (obj.kind === 'Namespace') s.namespaces.add(obj.metadata.name);
    if (obj.kind === 'CustomResourceDefinition') s.groups.add(obj.spec.group);
    if (obj.kind === 'Secret') {
      s.secrets.add(`${ns}/${obj.metadata.name}`);
      const label = obj.metadata.labels?.[input.clusterLabel ?? ''];
      if (obj.metadata.labels?.['argocd.argoproj.io/secret-type'] === 'cluster' && label) s.clusterLabels.add(label);
    }
    if (obj.kind === 'ClusterSecretStore') s.stores.add(`ClusterSecretStore/${obj.metadata.name}`);
    if (obj.kind === 'SecretStore') s.stores.add(`SecretStore/${ns}/${obj.metadata.name}`);
    if (obj.kind === 'ExternalSecret') {
      // The Secret exists only once the store it reads through does.
      const ref = obj.spec?.secretStoreRef ?? {};
      const store = ref.kind === 'ClusterSecretStore' ? `ClusterSecretStore/${ref.name}` : `SecretStore/${ns}/${ref.name}`;
      if (!s.stores.has(store)) violations.push(`${who}: ${what} before its store ${store}`);
      s.secrets.add(`${ns}/${obj.spec?.target?.name ?? obj.metadata.name}`);
    }
  };

  /** A Helm chart's effects (Argo CD Application or Terraform release). */
  const applyChart = (s: State, chart: string, values: any, namespace: string, createNamespace: boolean, who: string) => {
    if (createNamespace) s.namespaces.add(namespace);
    if (!s.namespaces.has(namespace)) violations.push(`${who}: chart ${chart} before namespace ${namespace}`);
    const crds = CHART_CRDS[chart];
    if (crds?.installs(values)) crds.groups.forEach((g) => s.groups.add(g));
    for (const kind of kindsEnabledBy(values)) {
      const group = kind.replace(/^.*\((.*)\)$/, '$1');
      if (!crds?.groups.includes(group)) needGroup(s, group, who, `chart ${chart} with ${kind}`);
    }
    // The argo-cd chart renders repository and cluster Secrets from its values.
    if (chart === 'argo-cd') {
      for (const key of Object.keys(values?.configs?.repositories ?? {})) s.secrets.add(`${namespace}/argocd-repo-${key}`);
      for (const c of Object.values<any>(values?.configs?.clusterCredentials ?? {})) {
        const label = c.labels?.[input.clusterLabel ?? ''];
        if (label) s.clusterLabels.add(label);
      }
    }
  };

  /** Argo CD syncing one Application (or one cluster's Application of an ApplicationSet). */
  const syncApplication = (s: State, spec: any, who: string, depth: number, self?: string) => {
    if (depth > 5) return void violations.push(`${who}: Applications nested more than 5 deep`);
    const source = spec.source ?? {};
    const createNamespace = (spec.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true');
    if (createNamespace) s.namespaces.add(spec.destination.namespace);
    if (source.chart) return applyChart(s, source.chart, source.helm?.valuesObject, spec.destination.namespace, createNamespace, who);
    if (source.repoURL !== input.repoURL) return; // a team's own repository: outside the platform's model
    if (input.repositorySecret && !s.secrets.has(input.repositorySecret)) violations.push(`${who}: fetches ${source.repoURL} before its credentials Secret ${input.repositorySecret}`);
    const prefix = `${input.gitopsPath}/`;
    const folder = String(source.path ?? '').startsWith(prefix) ? source.path.slice(prefix.length) : undefined;
    const objects = folder !== undefined ? input.folders.get(folder) : undefined;
    if (!objects) return void violations.push(`${who}: syncs ${source.path}, which dist/ does not have`);
    const waves = [...new Set(objects.map(waveOf))].sort((a, b) => a - b);
    for (const wave of waves) {
      const inWave = objects.filter((o) => waveOf(o) === wave).sort((a, b) => kindRank(a) - kindRank(b));
      inWave.forEach((o) => applyObject(s, o, who));
      // Children of one wave sync side by side: each sees the state before any of them.
      const before = clone(s);
      // An Application that holds itself (the root) does not sync itself again.
      for (const child of inWave.filter((o) => (o.kind === 'Application' || o.kind === 'ApplicationSet') && o.metadata.name !== self)) {
        const childState = clone(before);
        if (child.kind === 'ApplicationSet') {
          const selector = child.spec.generators?.[0]?.clusters?.selector?.matchLabels?.[input.clusterLabel ?? ''];
          if (selector && !childState.clusterLabels.has(selector)) violations.push(`${who}: ApplicationSet ${child.metadata.name} selects clusters labelled ${selector}, and none is registered`);
          syncApplication(childState, child.spec.template.spec, `${child.kind} ${child.metadata.name}`, depth + 1, child.metadata.name);
        } else {
          syncApplication(childState, child.spec, `${child.kind} ${child.metadata.name}`, depth + 1, child.metadata.name);
        }
        merge(s, childState);
      }
    }
  };

  for (const release of input.bootstrap) {
    const who = `release ${release.name}`;
    applyChart(state, release.chart, release.values, release.namespace, release.createNamespace, who);
    release.objects.forEach((o) => applyObject(state, o, who));
  }
  // Argo CD, now running, syncs every Application the bootstrap created.
  for (const release of input.bootstrap) {
    for (const app of release.objects.filter((o) => o.kind === 'Application')) syncApplication(state, app.spec, `Application ${app.metadata.name}`, 0, app.metadata.name);
  }
  return { applied, violations };
}
