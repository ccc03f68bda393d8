/**
 * Production-readiness checks over plain manifests, in the spirit of Polaris, kube-score and
 * kube-linter: each finds one kind of mistake that has caused real outages or breaches, and says
 * how to fix it. `npm run check` runs them over dist/; test/readiness.test.ts has a failing and
 * a passing object for each.
 */
export type Severity = 'error' | 'warning';

export interface Finding {
  readonly check: string;
  readonly severity: Severity;
  /** Kind/namespace/name of the object. */
  readonly object: string;
  readonly file?: string;
  readonly problem: string;
  readonly fix: string;
}

export interface Manifest {
  readonly obj: any;
  readonly file?: string;
}

interface ReadinessCheck {
  readonly id: string;
  readonly severity: Severity;
  readonly fix: string;
  /** Problems found in one object; `all` is every manifest, for checks that relate objects. */
  problems(obj: any, all: any[]): string[];
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];
const LONG_RUNNING = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** The pod spec of any workload kind, or undefined. */
export function podSpec(obj: any): any {
  if (!WORKLOADS.includes(obj?.kind)) return undefined;
  if (obj.kind === 'Pod') return obj.spec;
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}

function containers(obj: any, withInit = true): any[] {
  const spec = podSpec(obj);
  return spec ? [...(withInit ? spec.initContainers ?? [] : []), ...(spec.containers ?? [])] : [];
}

const perContainer = (obj: any, test: (c: any) => string | undefined, withInit = true) =>
  containers(obj, withInit).map((c) => { const p = test(c); return p ? `container ${c.name}: ${p}` : undefined; }).filter((p): p is string => !!p);

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

const READ_VERBS = ['get', 'list', 'watch', '*'];
const grantsSecretRead = (rules: any[] | undefined) => (rules ?? []).some((r) =>
  (r.apiGroups ?? []).some((g: string) => g === '' || g === '*')
  && (r.resources ?? []).some((x: string) => x === 'secrets' || x === '*')
  && (r.verbs ?? []).some((v: string) => READ_VERBS.includes(v)));

export const READINESS_CHECKS: ReadinessCheck[] = [
  {
    id: 'container-resources',
    severity: 'error',
    fix: 'Set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container.',
    problems: (obj) => perContainer(obj, (c) => {
      const missing = [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']].filter(([k, r]) => !c.resources?.[k]?.[r]).map(([k, r]) => `${k}.${r}`);
      return missing.length ? `no ${missing.join(', ')}` : undefined;
    }),
  },
  {
    id: 'container-probes',
    severity: 'error',
    fix: 'Add a readinessProbe (when to send traffic) and a livenessProbe (when to restart).',
    // Init containers run to completion and take no probes.
    problems: (obj) => LONG_RUNNING.includes(obj.kind)
      ? perContainer(obj, (c) => [!c.readinessProbe && 'no readinessProbe', !c.livenessProbe && 'no livenessProbe'].filter(Boolean).join(', ') || undefined, false)
      : [],
  },
  {
    id: 'image-pinned',
    severity: 'error',
    fix: 'Use an immutable tag (1.4.2) or a digest (@sha256:...), never latest or no tag.',
    problems: (obj) => perContainer(obj, (c) => {
      const image: string = c.image ?? '';
      if (image.includes('@sha256:')) return undefined;
      const tag = /:([^/:]+)$/.exec(image)?.[1];
      return !tag ? `image ${image} has no tag` : tag === 'latest' ? `image ${image} uses latest` : undefined;
    }),
  },
  {
    id: 'no-privilege',
    severity: 'error',
    fix: 'Set securityContext.allowPrivilegeEscalation: false, drop ALL capabilities, never privileged.',
    problems: (obj) => perContainer(obj, (c) => {
      const sc = c.securityContext ?? {};
      if (sc.privileged) return 'privileged';
      if (sc.allowPrivilegeEscalation !== false) return 'allowPrivilegeEscalation is not false';
      const added = (sc.capabilities?.add ?? []).filter((x: string) => x !== 'NET_BIND_SERVICE');
      if (added.length) return `adds capabilities ${added.join(', ')}`;
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) return 'does not drop ALL capabilities';
      return undefined;
    }),
  },
  {
    id: 'non-root',
    severity: 'error',
    fix: 'Set runAsNonRoot: true on the pod or every container, and no runAsUser: 0.',
    problems: (obj) => {
      const pod = podSpec(obj)?.securityContext ?? {};
      return perContainer(obj, (c) => {
        const sc = c.securityContext ?? {};
        if (sc.runAsUser === 0 || (sc.runAsUser === undefined && pod.runAsUser === 0)) return 'runs as user 0';
        return (sc.runAsNonRoot ?? pod.runAsNonRoot) === true ? undefined : 'may run as root (runAsNonRoot not set)';
      });
    },
  },
  {
    id: 'host-access',
    severity: 'error',
    fix: 'Do not use hostNetwork, hostPID, hostIPC or hostPath volumes in workloads.',
    problems: (obj) => {
      const spec = podSpec(obj);
      if (!spec) return [];
      return [
        ...['hostNetwork', 'hostPID', 'hostIPC'].filter((k) => spec[k] === true).map((k) => `${k}: true`),
        ...(spec.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => `hostPath volume ${v.name}`),
      ];
    },
  },
  {
    id: 'disruption-budget',
    severity: 'error',
    fix: 'Add a PodDisruptionBudget (maxUnavailable: 1) selecting the pods, so node drains keep the service up.',
    problems: (obj, all) => {
      if (!['Deployment', 'StatefulSet'].includes(obj.kind)) return [];
      const hpa = all.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata?.namespace === obj.metadata?.namespace && o.spec?.scaleTargetRef?.name === obj.metadata?.name);
      const replicated = (obj.spec?.replicas ?? 1) > 1 || (hpa?.spec?.maxReplicas ?? 1) > 1;
      const labels = obj.spec?.template?.metadata?.labels;
      const covered = all.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata?.namespace === obj.metadata?.namespace && selects(o.spec?.selector?.matchLabels, labels));
      return replicated && !covered ? ['replicated but no PodDisruptionBudget selects its pods'] : [];
    },
  },
  {
    id: 'no-ingress',
    severity: 'error',
    fix: 'Serve it with an HTTPRoute attached to your team\'s ListenerSet (ingress2gateway converts Ingresses); nothing on the platform serves Ingress.',
    problems: (obj) => (obj.kind === 'Ingress' ? ['an Ingress: ingress-nginx was retired in March 2026 and the platform serves Gateway API only'] : []),
  },
  {
    id: 'listener-tls',
    severity: 'error',
    fix: 'Give every HTTPS listener a hostname and tls.certificateRefs (a cert-manager Certificate\'s secret).',
    problems: (obj) => {
      if (!['Gateway', 'ListenerSet'].includes(obj.kind) || !obj.apiVersion?.startsWith('gateway.networking.k8s.io/')) return [];
      return (obj.spec?.listeners ?? []).filter((l: any) => l.protocol === 'HTTPS').flatMap((l: any) => [
        ...(l.tls?.certificateRefs?.length ? [] : [`listener ${l.name} serves HTTPS without a certificate`]),
        ...(l.hostname ? [] : [`listener ${l.name} has no hostname (it would answer for every name)`]),
      ]);
    },
  },
  {
    id: 'rbac-wildcard',
    severity: 'error',
    fix: 'List the API groups, resources and verbs a role needs instead of "*".',
    problems: (obj) => ['Role', 'ClusterRole'].includes(obj.kind)
      ? (obj.rules ?? []).flatMap((r: any, i: number) => ['apiGroups', 'resources', 'verbs'].filter((k) => (r[k] ?? []).includes('*')).map((k) => `rules[${i}].${k} contains "*"`))
      : [],
  },
  {
    id: 'secrets-readable',
    severity: 'error',
    fix: 'Bind people to roles without get/list/watch on Secrets (not the built-in edit or admin); let pods mount Secrets instead.',
    problems: (obj, all) => {
      if (!['RoleBinding', 'ClusterRoleBinding'].includes(obj.kind) || obj.roleRef?.name === 'cluster-admin') return [];
      const people = (obj.subjects ?? []).filter((s: any) => s.kind === 'Group' || s.kind === 'User');
      if (people.length === 0) return [];
      const ref = obj.roleRef ?? {};
      const role = all.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && (ref.kind === 'ClusterRole' || o.metadata?.namespace === obj.metadata?.namespace));
      const reads = ['edit', 'admin'].includes(ref.name) || grantsSecretRead(role?.rules);
      return reads ? [`lets ${people.map((s: any) => s.name).join(', ')} read Secrets through ${ref.kind} ${ref.name}`] : [];
    },
  },
];

export function objectName(obj: any): string {
  return `${obj?.kind ?? '?'}/${obj?.metadata?.namespace ? `${obj.metadata.namespace}/` : ''}${obj?.metadata?.name ?? '?'}`;
}

/** Run every check over a set of manifests. */
export function checkManifests(manifests: Manifest[]): Finding[] {
  const all = manifests.map((m) => m.obj);
  return manifests.flatMap(({ obj, file }) => READINESS_CHECKS.flatMap((check) => check.problems(obj, all).map((problem) => ({
    check: check.id, severity: check.severity, object: objectName(obj), file, problem, fix: check.fix,
  }))));
}

/** A table a person can read in a terminal. */
export function formatFindings(findings: Finding[]): string {
  const rows = [['SEVERITY', 'OBJECT', 'CHECK', 'PROBLEM', 'HOW TO FIX'], ...findings.map((f) => [f.severity, f.object, f.check, f.problem, f.fix])];
  const widths = rows[0].map((_, i) => Math.min(60, Math.max(...rows.map((r) => r[i].length))));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}
