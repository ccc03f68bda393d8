/**
 * Kubernetes RBAC for people, bound to IdP groups (prefixed as the EKS OIDC provider config does).
 *
 * Nothing here binds the built-in `edit` or `admin` roles: both can read Secrets. The team roles
 * list every resource they grant, so a reviewer (and test/access.test.ts) can see exactly what a
 * developer may do.
 *
 * In production environments team groups only read (TEAM_READER_RULES): changes reach the cluster
 * through the team's repository and Argo CD, reviewed and traced. Whoever may create a pod, a Job
 * or exec into one can read every Secret the pod can mount; in production nobody in a team group can.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { EnvironmentNames, TeamConfig } from '../../config';

const READ = ['get', 'list', 'watch'];
const WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** What a developer may do in the team's own namespace. No Secrets, no RBAC, no quota changes. */
export const TEAM_DEVELOPER_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'services', 'persistentvolumeclaims'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods'], verbs: [...READ, 'delete'] },
  { apiGroups: [''], resources: ['pods/log', 'events', 'endpoints', 'serviceaccounts', 'resourcequotas', 'limitranges'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: WRITE },
  { apiGroups: ['apps'], resources: ['deployments/scale', 'statefulsets/scale'], verbs: ['get', 'update', 'patch'] },
  { apiGroups: ['apps'], resources: ['replicasets', 'daemonsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: WRITE },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: WRITE },
  // No controller serves Ingresses (HTTPRoutes do); the one thing a team Ingress would still do is
  // ask cert-manager's ingress-shim for a certificate, so teams only read them.
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: WRITE },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'prometheusrules'], verbs: WRITE },
  // ExternalSecrets only: they can reference secrets through the team's SecretStore, never read them.
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: WRITE },
  { apiGroups: ['external-secrets.io'], resources: ['secretstores'], verbs: READ },
];

/**
 * What people in a team group may do in production: look, never touch. No pods/log either: a pod's
 * output can carry what it read from a Secret (logs stay searchable in the log store).
 */
export const TEAM_READER_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'events', 'limitranges', 'persistentvolumeclaims', 'pods', 'resourcequotas', 'serviceaccounts', 'services'], verbs: READ },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: READ },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: READ },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'prometheusrules'], verbs: READ },
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets', 'secretstores'], verbs: READ },
];

/** Interactive debugging, granted only in the environments listed in the team's `execIn`. */
export const TEAM_DEBUG_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods/exec', 'pods/portforward', 'pods/attach'], verbs: ['get', 'create'] },
];

/** Read-only across the cluster, Secrets excluded. */
export const VIEWER_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'events', 'limitranges', 'namespaces', 'nodes', 'persistentvolumeclaims', 'persistentvolumes', 'pods', 'pods/log', 'resourcequotas', 'serviceaccounts', 'services'], verbs: READ },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: READ },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: READ },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingressclasses', 'networkpolicies'], verbs: READ },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: READ },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors', 'podmonitors', 'prometheusrules'], verbs: READ },
  { apiGroups: ['cert-manager.io'], resources: ['certificates', 'clusterissuers', 'issuers'], verbs: READ },
  { apiGroups: ['external-secrets.io'], resources: ['externalsecrets', 'secretstores', 'clustersecretstores'], verbs: READ },
  { apiGroups: ['argoproj.io'], resources: ['applications', 'appprojects'], verbs: READ },
];

export const ROLE_NAMES = {
  teamDeveloper: 'platform:team-developer',
  teamDebugger: 'platform:team-debugger',
  teamReader: 'platform:team-reader',
  viewer: 'platform:viewer',
} as const;

/** Cluster-wide roles: admins, viewers, and the ClusterRoles that team RoleBindings refer to. */
export class PlatformAccess extends Construct {
  constructor(scope: Construct, id: string, props: { names: EnvironmentNames }) {
    super(scope, id);
    const { names } = props;
    const identity = names.platform.identity;
    const groups = (list: string[]): k8s.Subject[] =>
      list.map((g) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: names.oidcGroup(g) }));

    new k8s.KubeClusterRole(this, 'team-developer', { metadata: { name: ROLE_NAMES.teamDeveloper }, rules: TEAM_DEVELOPER_RULES });
    new k8s.KubeClusterRole(this, 'team-debugger', { metadata: { name: ROLE_NAMES.teamDebugger }, rules: TEAM_DEBUG_RULES });
    new k8s.KubeClusterRole(this, 'team-reader', { metadata: { name: ROLE_NAMES.teamReader }, rules: TEAM_READER_RULES });
    // Viewers are often every engineer, team members too: in production no pod output (it may carry a Secret).
    const viewerRules = names.environment.production
      ? VIEWER_RULES.map((r) => ({ ...r, resources: r.resources!.filter((x) => x !== 'pods/log') }))
      : VIEWER_RULES;
    new k8s.KubeClusterRole(this, 'viewer', { metadata: { name: ROLE_NAMES.viewer }, rules: viewerRules });

    new k8s.KubeClusterRoleBinding(this, 'admins', {
      metadata: { name: 'platform:admins' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: groups(identity.adminGroups),
    });
    if (identity.viewerGroups.length > 0) {
      new k8s.KubeClusterRoleBinding(this, 'viewers', {
        metadata: { name: 'platform:viewers' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ROLE_NAMES.viewer },
        subjects: groups(identity.viewerGroups),
      });
    }
  }
}

/** Binds a team's IdP groups inside the team's namespace only: developers, or readers in production. */
export class TeamAccess extends Construct {
  constructor(scope: Construct, id: string, props: { names: EnvironmentNames; team: TeamConfig; namespace: string }) {
    super(scope, id);
    const { names, team, namespace } = props;
    const subjects: k8s.Subject[] = team.groups.map((g) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: names.oidcGroup(g) }));
    const bind = (name: string, role: string) => new k8s.KubeRoleBinding(this, name, {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects,
    });
    if (names.environment.production) {
      bind('team-readers', ROLE_NAMES.teamReader);
      return;
    }
    bind('team-developers', ROLE_NAMES.teamDeveloper);
    if (team.execIn.includes(names.env)) bind('team-debuggers', ROLE_NAMES.teamDebugger);
  }
}
