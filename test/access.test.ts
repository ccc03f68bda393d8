/**
 * What each IdP group can do, computed from the synthesized RBAC objects (and any built-in role
 * they bind), the way the API server's authorizer would.
 */
import { exampleEnvironment, ofKind, PlacedObject, synthesizeObjects } from './harness/platform';

type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] };
/** Built-in roles, as far as the questions below go. `edit` and `admin` can read Secrets. */
const BUILT_IN: Record<string, Rule[]> = {
  'cluster-admin': [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  admin: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  edit: [{ apiGroups: [''], resources: ['secrets', 'pods', 'services', 'configmaps'], verbs: ['*'] }],
};

class Authorizer {
  constructor(private readonly objects: PlacedObject[]) {}

  private rulesOf(kind: string, name: string, namespace?: string): Rule[] {
    const role = ofKind(this.objects, kind).find((r) => r.metadata.name === name && (kind === 'ClusterRole' || r.metadata.namespace === namespace));
    if (role) return role.rules ?? [];
    if (kind === 'ClusterRole' && BUILT_IN[name]) return BUILT_IN[name];
    throw new Error(`binding refers to unknown ${kind} ${name}`);
  }

  /** Can a member of `group` do `verb` on `group/resource` in `namespace` (undefined: cluster-scoped)? */
  can(subjectGroup: string, verb: string, apiGroup: string, resource: string, namespace?: string): boolean {
    const subject = `oidc:${subjectGroup}`;
    const bindings = [...ofKind(this.objects, 'ClusterRoleBinding'), ...ofKind(this.objects, 'RoleBinding')]
      .filter((b) => (b.subjects ?? []).some((s: any) => s.kind === 'Group' && s.name === subject))
      .filter((b) => b.kind === 'ClusterRoleBinding' || (namespace !== undefined && b.metadata.namespace === namespace));
    const match = (list: string[] | undefined, v: string) => (list ?? []).includes('*') || (list ?? []).includes(v);
    return bindings.some((b) => this.rulesOf(b.roleRef.kind, b.roleRef.name, b.metadata.namespace)
      .some((r) => match(r.verbs, verb) && match(r.apiGroups, apiGroup) && match(r.resources, resource)));
  }

  boundRoles(subjectGroup: string): string[] {
    return [...ofKind(this.objects, 'ClusterRoleBinding'), ...ofKind(this.objects, 'RoleBinding')]
      .filter((b) => (b.subjects ?? []).some((s: any) => s.name === `oidc:${subjectGroup}`)).map((b) => b.roleRef.name);
  }
}

describe.each(['dev', 'prod'])('access in %s', (env) => {
  const names = exampleEnvironment(env);
  const objects = synthesizeObjects(names);
  const authz = new Authorizer(objects);
  const READS = ['get', 'list', 'watch'];

  describe.each(names.teams.map((t) => [t.name, t] as const))('team %s', (_name, team) => {
    const group = team.groups[0];
    const own = names.teamNamespace(team);

    it('denies team members read access to Secrets, in their namespace and everywhere else', () => {
      for (const verb of READS) {
        expect(authz.can(group, verb, '', 'secrets', own)).toBe(false);
        expect(authz.can(group, verb, '', 'secrets', 'kube-system')).toBe(false);
      }
    });

    it('binds no built-in role that can read Secrets (edit, admin)', () => {
      expect(authz.boundRoles(group).filter((r) => ['edit', 'admin', 'cluster-admin'].includes(r))).toEqual([]);
    });

    it('denies escalation: no Roles, RoleBindings, impersonation or bind/escalate verbs', () => {
      for (const resource of ['roles', 'rolebindings']) {
        for (const verb of ['create', 'update', 'patch', 'bind', 'escalate']) expect(authz.can(group, verb, 'rbac.authorization.k8s.io', resource, own)).toBe(false);
      }
      for (const resource of ['users', 'groups', 'serviceaccounts']) expect(authz.can(group, 'impersonate', '', resource, own)).toBe(false);
      expect(authz.can(group, 'create', '', 'serviceaccounts/token', own)).toBe(false);
    });

    it('denies writes outside its namespace and to cluster-scoped objects', () => {
      expect(authz.can(group, 'create', 'apps', 'deployments', 'kube-system')).toBe(false);
      expect(authz.can(group, 'create', 'apps', 'deployments', 'monitoring')).toBe(false);
      for (const [apiGroup, resource] of [['', 'namespaces'], ['', 'nodes'], ['rbac.authorization.k8s.io', 'clusterroles'], ['apiextensions.k8s.io', 'customresourcedefinitions']]) {
        expect(authz.can(group, 'create', apiGroup, resource)).toBe(false);
        expect(authz.can(group, 'delete', apiGroup, resource)).toBe(false);
      }
      expect(authz.can(group, 'update', '', 'resourcequotas', own)).toBe(false);
      expect(authz.can(group, 'create', 'external-secrets.io', 'secretstores', own)).toBe(false);
    });

    it('allows deploying and debugging in its own namespace', () => {
      for (const [apiGroup, resource] of [['apps', 'deployments'], ['', 'services'], ['', 'configmaps'], ['networking.k8s.io', 'ingresses'], ['autoscaling', 'horizontalpodautoscalers'], ['policy', 'poddisruptionbudgets'], ['external-secrets.io', 'externalsecrets'], ['monitoring.coreos.com', 'servicemonitors']]) {
        expect({ resource, allowed: authz.can(group, 'create', apiGroup, resource, own) }).toEqual({ resource, allowed: true });
      }
      expect(authz.can(group, 'get', '', 'pods/log', own)).toBe(true);
      expect(authz.can(group, 'delete', '', 'pods', own)).toBe(true);
    });

    it(`allows exec and port-forward only where execIn says (${team.execIn.join(', ') || 'nowhere'})`, () => {
      const allowed = team.execIn.includes(env);
      expect(authz.can(group, 'create', '', 'pods/exec', own)).toBe(allowed);
      expect(authz.can(group, 'create', '', 'pods/portforward', own)).toBe(allowed);
    });

    it('fences the namespace: restricted Pod Security, quota, default limits, default-deny network policy', () => {
      const ns = ofKind(objects, 'Namespace').find((n) => n.metadata.name === own);
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(ofKind(objects, 'ResourceQuota').filter((q) => q.metadata.namespace === own)).toHaveLength(1);
      expect(ofKind(objects, 'LimitRange').filter((q) => q.metadata.namespace === own)).toHaveLength(1);
      const deny = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.namespace === own && p.metadata.name === 'default-deny');
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });
  });

  it('gives viewers read access without Secrets', () => {
    expect(authz.can('engineering', 'list', 'apps', 'deployments', 'payments')).toBe(true);
    expect(authz.can('engineering', 'get', '', 'secrets', 'payments')).toBe(false);
    expect(authz.can('engineering', 'delete', 'apps', 'deployments', 'payments')).toBe(false);
  });

  it('gives the admin group cluster-admin, and nobody else', () => {
    expect(authz.can('platform-admins', 'delete', '', 'nodes')).toBe(true);
    const admins = ofKind(objects, 'ClusterRoleBinding').filter((b) => b.roleRef.name === 'cluster-admin');
    expect(admins.flatMap((b) => b.subjects.map((s: any) => s.name))).toEqual(['oidc:platform-admins']);
  });
});
