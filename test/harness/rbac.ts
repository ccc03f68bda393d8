/**
 * Kubernetes RBAC, evaluated the way the API server's authorizer does, over the synthesized
 * Roles, ClusterRoles and bindings (and the built-in roles they may bind). Subjects are IdP groups
 * as EKS presents them (prefixed `oidc:`).
 */
import { ofKind, PlacedObject } from './platform';

export type Rule = { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs: string[]; nonResourceURLs?: string[] };

/** Built-in ClusterRoles, as far as the questions asked go. `edit` and `admin` can read Secrets. */
const BUILT_IN: Record<string, Rule[]> = {
  'cluster-admin': [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  admin: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  edit: [{ apiGroups: [''], resources: ['secrets', 'pods', 'pods/exec', 'services', 'configmaps'], verbs: ['*'] }],
  view: [{ apiGroups: [''], resources: ['pods', 'services', 'configmaps'], verbs: ['get', 'list', 'watch'] }],
};

/** A request: `namespace` undefined for cluster-scoped objects. `resource` may carry a subresource (`pods/exec`). */
export interface RbacRequest {
  readonly verb: string;
  readonly apiGroup: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

export class Authorizer {
  constructor(private readonly objects: PlacedObject[]) {}

  private rulesOf(kind: string, name: string, namespace?: string): Rule[] {
    const role = ofKind(this.objects, kind).find((r) => r.metadata.name === name && (kind === 'ClusterRole' || r.metadata.namespace === namespace));
    if (role) return role.rules ?? [];
    if (kind === 'ClusterRole' && BUILT_IN[name]) return BUILT_IN[name];
    throw new Error(`binding refers to unknown ${kind} ${name}`);
  }

  private bindingsOf(group: string): any[] {
    const subject = `oidc:${group}`;
    return [...ofKind(this.objects, 'ClusterRoleBinding'), ...ofKind(this.objects, 'RoleBinding')]
      .filter((b) => (b.subjects ?? []).some((s: any) => s.kind === 'Group' && s.name === subject));
  }

  /** May a member of IdP `group` make this request? */
  allows(group: string, req: RbacRequest): boolean {
    const match = (list: string[] | undefined, v: string) => (list ?? []).includes('*') || (list ?? []).includes(v);
    return this.bindingsOf(group)
      // A RoleBinding grants only inside its own namespace; a ClusterRoleBinding everywhere.
      .filter((b) => b.kind === 'ClusterRoleBinding' || (req.namespace !== undefined && b.metadata.namespace === req.namespace))
      .some((b) => this.rulesOf(b.roleRef.kind, b.roleRef.name, b.metadata.namespace).some((r) =>
        match(r.verbs, req.verb) && match(r.apiGroups, req.apiGroup) && match(r.resources, req.resource)
        && (!r.resourceNames?.length || (req.name !== undefined && r.resourceNames.includes(req.name)))));
  }

  can(group: string, verb: string, apiGroup: string, resource: string, namespace?: string): boolean {
    return this.allows(group, { verb, apiGroup, resource, namespace });
  }

  /** Names of every role bound to the group. */
  boundRoles(group: string): string[] {
    return this.bindingsOf(group).map((b) => b.roleRef.name);
  }
}

export const READ_VERBS = ['get', 'list', 'watch'];
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete'];

/**
 * Every API path to a Secret's value for someone who cannot read Secrets: a pod (or a controller
 * that makes pods) that mounts it and prints it, exec/attach into a pod that has it, ephemeral
 * containers, or a service account token of a pod.
 */
export const SECRET_VALUE_PATHS: RbacRequest[] = [
  ...READ_VERBS.map((verb) => ({ verb, apiGroup: '', resource: 'secrets' })),
  { verb: 'create', apiGroup: '', resource: 'pods' },
  { verb: 'create', apiGroup: '', resource: 'pods/exec' },
  { verb: 'create', apiGroup: '', resource: 'pods/attach' },
  { verb: 'create', apiGroup: '', resource: 'pods/portforward' },
  { verb: 'update', apiGroup: '', resource: 'pods/ephemeralcontainers' },
  { verb: 'patch', apiGroup: '', resource: 'pods/ephemeralcontainers' },
  { verb: 'get', apiGroup: '', resource: 'pods/log' },
  { verb: 'create', apiGroup: '', resource: 'serviceaccounts/token' },
  ...['deployments', 'statefulsets', 'daemonsets', 'replicasets'].flatMap((resource) => ['create', 'update', 'patch'].map((verb) => ({ verb, apiGroup: 'apps', resource }))),
  ...['jobs', 'cronjobs'].flatMap((resource) => ['create', 'update', 'patch'].map((verb) => ({ verb, apiGroup: 'batch', resource }))),
  { verb: 'create', apiGroup: 'external-secrets.io', resource: 'pushsecrets' },
];
