/**
 * What each IdP group can do, computed from the synthesized RBAC objects (and any built-in role
 * they bind) the way the API server's authorizer would, in every environment of every fixture.
 */
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { ofKind } from './harness/platform';
import { Authorizer, READ_VERBS, SECRET_VALUE_PATHS, WRITE_VERBS } from './harness/rbac';
import { TEAM_KINDS } from '../charts/gitops';

/** The resource (plural, as RBAC names it) of each kind a team ships. */
const RESOURCE_OF: Record<string, string> = {
  ConfigMap: 'configmaps', PersistentVolumeClaim: 'persistentvolumeclaims', Service: 'services', ServiceAccount: 'serviceaccounts',
  Deployment: 'deployments', StatefulSet: 'statefulsets', HorizontalPodAutoscaler: 'horizontalpodautoscalers', CronJob: 'cronjobs', Job: 'jobs',
  ExternalSecret: 'externalsecrets', HTTPRoute: 'httproutes', PodMonitor: 'podmonitors', PrometheusRule: 'prometheusrules',
  ServiceMonitor: 'servicemonitors', Ingress: 'ingresses', NetworkPolicy: 'networkpolicies', PodDisruptionBudget: 'poddisruptionbudgets',
};

describe.each(fixtureEnvironments())('access in $label', (env) => {
  const { names } = env;
  const objects = objectsOf(env);
  const authz = new Authorizer(objects);
  const production = names.environment.production;
  const identity = names.platform.identity;

  describe.each(names.teams.map((t) => [t.name, t] as const))('team %s', (_name, team) => {
    const own = names.teamNamespace(team);
    const groups = team.groups;

    it('denies team members read access to Secrets, in their namespace and everywhere else', () => {
      for (const group of groups) {
        for (const verb of READ_VERBS) {
          expect(authz.can(group, verb, '', 'secrets', own)).toBe(false);
          expect(authz.can(group, verb, '', 'secrets', 'kube-system')).toBe(false);
          expect(authz.can(group, verb, '', 'secrets')).toBe(false);
        }
      }
    });

    it('binds no built-in role (cluster-admin, admin, edit, view)', () => {
      for (const group of groups) expect(authz.boundRoles(group).filter((r) => !r.startsWith('platform:'))).toEqual([]);
    });

    it('denies escalation: no Roles, RoleBindings, impersonation, tokens or bind/escalate verbs', () => {
      for (const group of groups) {
        for (const resource of ['roles', 'rolebindings']) {
          for (const verb of ['create', 'update', 'patch', 'bind', 'escalate']) expect(authz.can(group, verb, 'rbac.authorization.k8s.io', resource, own)).toBe(false);
        }
        for (const resource of ['users', 'groups', 'serviceaccounts']) expect(authz.can(group, 'impersonate', '', resource, own)).toBe(false);
        expect(authz.can(group, 'create', '', 'serviceaccounts/token', own)).toBe(false);
      }
    });

    it('denies writes outside its namespace, to cluster-scoped objects and to its own fences', () => {
      for (const group of groups) {
        for (const other of ['kube-system', 'monitoring', 'argocd', ...names.teams.filter((t) => t !== team).map((t) => names.teamNamespace(t))]) {
          expect({ other, allowed: authz.can(group, 'create', 'apps', 'deployments', other) }).toEqual({ other, allowed: false });
        }
        for (const [apiGroup, resource] of [['', 'namespaces'], ['', 'nodes'], ['rbac.authorization.k8s.io', 'clusterroles'], ['apiextensions.k8s.io', 'customresourcedefinitions'], ['admissionregistration.k8s.io', 'validatingadmissionpolicies'], ['admissionregistration.k8s.io', 'validatingadmissionpolicybindings']]) {
          for (const verb of WRITE_VERBS) expect(authz.can(group, verb, apiGroup, resource)).toBe(false);
        }
        for (const verb of WRITE_VERBS) {
          expect(authz.can(group, verb, '', 'resourcequotas', own)).toBe(false);
          expect(authz.can(group, verb, '', 'limitranges', own)).toBe(false);
          expect(authz.can(group, verb, 'external-secrets.io', 'secretstores', own)).toBe(false);
          expect(authz.can(group, verb, 'cert-manager.io', 'certificates', own)).toBe(false);
          expect(authz.can(group, verb, 'cert-manager.io', 'issuers', own)).toBe(false);
          expect(authz.can(group, verb, '', 'endpoints', own)).toBe(false);
          expect(authz.can(group, verb, 'discovery.k8s.io', 'endpointslices', own)).toBe(false);
        }
      }
    });

    if (production) {
      it('is read-only in production: no write to any kind, no exec, no path to a Secret\'s value', () => {
        for (const group of groups) {
          for (const { group: apiGroup, kind } of TEAM_KINDS) {
            for (const verb of WRITE_VERBS) expect({ kind, verb, allowed: authz.can(group, verb, apiGroup, RESOURCE_OF[kind], own) }).toEqual({ kind, verb, allowed: false });
          }
          expect(authz.can(group, 'delete', '', 'pods', own)).toBe(false);
          for (const path of SECRET_VALUE_PATHS) {
            expect({ ...path, allowed: authz.allows(group, { ...path, namespace: own }) }).toEqual({ ...path, allowed: false });
          }
        }
      });

      it('still lets the team look at its workloads in production', () => {
        for (const group of groups) {
          for (const [apiGroup, resource] of [['apps', 'deployments'], ['', 'pods'], ['', 'events'], ['', 'services'], ['external-secrets.io', 'externalsecrets']]) {
            expect({ resource, allowed: authz.can(group, 'list', apiGroup, resource, own) }).toEqual({ resource, allowed: true });
          }
        }
      });
    } else {
      it('allows deploying every kind the team ships, and debugging, in its own namespace', () => {
        for (const group of groups) {
          for (const { group: apiGroup, kind } of TEAM_KINDS.filter((k) => k.kind !== 'ServiceAccount')) {
            expect({ kind, allowed: authz.can(group, 'create', apiGroup, RESOURCE_OF[kind], own) }).toEqual({ kind, allowed: true });
          }
          expect(authz.can(group, 'get', '', 'pods/log', own)).toBe(true);
          expect(authz.can(group, 'delete', '', 'pods', own)).toBe(true);
        }
      });
    }

    it(`allows exec and port-forward only where execIn says (${team.execIn.join(', ') || 'nowhere'}), never in production`, () => {
      const allowed = team.execIn.includes(names.env) && !production;
      for (const group of groups) {
        expect(authz.can(group, 'create', '', 'pods/exec', own)).toBe(allowed);
        expect(authz.can(group, 'create', '', 'pods/portforward', own)).toBe(allowed);
      }
    });

    it('fences the namespace: restricted Pod Security, quota, default limits, default-deny network policy, all platform-owned', () => {
      const ns = ofKind(objects, 'Namespace').find((n) => n.metadata.name === own);
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(ns.metadata.labels['k8s-platform.io/tenant']).toBe('true');
      const fences = [...ofKind(objects, 'ResourceQuota'), ...ofKind(objects, 'LimitRange'), ...ofKind(objects, 'NetworkPolicy')].filter((o) => o.metadata.namespace === own && o.metadata.labels?.['k8s-platform.io/owner'] === 'platform');
      expect(fences.filter((o) => o.kind === 'ResourceQuota')).toHaveLength(1);
      expect(fences.filter((o) => o.kind === 'LimitRange')).toHaveLength(1);
      const deny = fences.find((p) => p.kind === 'NetworkPolicy' && p.metadata.name === 'default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });
  });

  it('gives viewers read access without Secrets or writes', () => {
    const team = names.teamNamespace(names.teams[0]);
    for (const group of identity.viewerGroups) {
      expect(authz.can(group, 'list', 'apps', 'deployments', team)).toBe(true);
      for (const verb of READ_VERBS) expect(authz.can(group, verb, '', 'secrets', team)).toBe(false);
      expect(authz.can(group, 'delete', 'apps', 'deployments', team)).toBe(false);
      expect(authz.can(group, 'create', '', 'pods/exec', team)).toBe(false);
      // Viewers are often every engineer: in production they see no pod output either.
      expect(authz.can(group, 'get', '', 'pods/log', team)).toBe(!production);
      expect(authz.can(group, 'get', '', 'pods', team)).toBe(true);
    }
    if (identity.viewerGroups.length === 0) expect(ofKind(objects, 'ClusterRoleBinding').filter((b) => b.roleRef.name === 'platform:viewer')).toEqual([]);
  });

  it('gives the admin groups cluster-admin, and nobody else', () => {
    for (const group of identity.adminGroups) expect(authz.can(group, 'delete', '', 'nodes')).toBe(true);
    const admins = ofKind(objects, 'ClusterRoleBinding').filter((b) => b.roleRef.name === 'cluster-admin');
    expect(admins.flatMap((b) => b.subjects.map((s: any) => s.name)).sort()).toEqual(identity.adminGroups.map((g) => `oidc:${g}`).sort());
  });
});
