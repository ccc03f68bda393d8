import { checkManifests, READINESS_CHECKS } from '../check/readiness';
import { exampleEnvironment, synthesizeObjects } from './harness/platform';

/** The example app's objects, as WebService generates them: the passing baseline. */
const baseline = synthesizeObjects(exampleEnvironment('dev')).filter((o) => o.folder === 'apps-payments').map((o) => o.obj);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const deployment = () => clone(baseline.find((o) => o.kind === 'Deployment'));
const container = (d: any) => d.spec.template.spec.containers[0];
const others = (kind: string) => baseline.filter((o) => o.kind !== kind);
const findings = (objects: any[]) => checkManifests(objects.map((obj) => ({ obj })));
const idsFor = (objects: any[]) => [...new Set(findings(objects).map((f) => f.check))];

/** For every check: objects that fail it (only it), and objects that pass. */
const CASES: Record<string, { failing: () => any[]; passing: () => any[] }> = {
  'container-resources': {
    failing: () => { const d = deployment(); delete container(d).resources.limits; return [d, ...others('Deployment')]; },
    passing: () => baseline,
  },
  'container-probes': {
    failing: () => { const d = deployment(); delete container(d).readinessProbe; return [d, ...others('Deployment')]; },
    passing: () => { const d = deployment(); d.spec.template.spec.initContainers = [{ ...clone(container(d)), name: 'migrate', readinessProbe: undefined, livenessProbe: undefined }]; return [d, ...others('Deployment')]; },
  },
  'image-pinned': {
    failing: () => { const d = deployment(); container(d).image = 'nginx:latest'; return [d, ...others('Deployment')]; },
    passing: () => { const d = deployment(); container(d).image = `nginx@sha256:${'a'.repeat(64)}`; return [d, ...others('Deployment')]; },
  },
  'no-privilege': {
    failing: () => { const d = deployment(); container(d).securityContext.privileged = true; return [d, ...others('Deployment')]; },
    passing: () => baseline,
  },
  'non-root': {
    failing: () => { const d = deployment(); delete container(d).securityContext.runAsNonRoot; delete d.spec.template.spec.securityContext.runAsNonRoot; return [d, ...others('Deployment')]; },
    passing: () => { const d = deployment(); delete container(d).securityContext.runAsNonRoot; return [d, ...others('Deployment')]; },
  },
  'host-access': {
    failing: () => { const d = deployment(); d.spec.template.spec.hostNetwork = true; return [d, ...others('Deployment')]; },
    passing: () => baseline,
  },
  'disruption-budget': {
    failing: () => others('PodDisruptionBudget'),
    passing: () => { const d = deployment(); d.spec.replicas = 1; return [d, ...others('Deployment').filter((o) => !['PodDisruptionBudget', 'HorizontalPodAutoscaler'].includes(o.kind))]; },
  },
  'ingress-tls': {
    failing: () => baseline.map((o) => (o.kind === 'Ingress' ? { ...clone(o), spec: { ...clone(o.spec), tls: [] } } : o)),
    passing: () => baseline,
  },
  'rbac-wildcard': {
    failing: () => [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'payments' }, rules: [{ apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }] }],
    passing: () => [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'payments' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] }],
  },
  'secrets-readable': {
    failing: () => [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'devs', namespace: 'payments' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'oidc:payments-developers' }] }],
    passing: () => [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'devs', namespace: 'payments' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'oidc:payments-developers' }] }],
  },
};

describe('production-readiness checks', () => {
  it('has a failing and a passing case for every check', () => {
    expect(Object.keys(CASES).sort()).toEqual(READINESS_CHECKS.map((c) => c.id).sort());
  });

  it.each(Object.keys(CASES))('%s: flags the failing objects and only for that reason', (id) => {
    expect(idsFor(CASES[id].failing())).toEqual([id]);
  });

  it.each(Object.keys(CASES))('%s: passes the good objects', (id) => {
    expect(findings(CASES[id].passing())).toEqual([]);
  });

  it('catches a role that reads Secrets even when bound as a custom role', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'peek' }, rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }] };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'peek' }, roleRef: { kind: 'ClusterRole', name: 'peek' }, subjects: [{ kind: 'Group', name: 'oidc:x' }] };
    expect(findings([role, binding]).map((f) => f.problem)).toEqual(['lets oidc:x read Secrets through ClusterRole peek']);
  });
});
