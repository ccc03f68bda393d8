/**
 * Argo CD itself, as a Helm release managed by Argo CD: SSO with the company IdP, group-based RBAC,
 * HA in production, UI behind the gateway's SSO (its route is in the gitops chart).
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES, TeamConfig } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';
import { CLUSTER_ENVIRONMENT_LABEL, IN_CLUSTER } from './root-application';

/** Secret (created by an ExternalSecret) holding the OIDC client secret; Argo CD reads `$argocd-oidc:clientSecret`. */
export const ARGOCD_OIDC_SECRET = 'argocd-oidc';

/** The user Argo CD's application controller applies every Application's objects as (chart release `argocd`). */
export const ARGOCD_CONTROLLER_USER = `system:serviceaccount:${PLATFORM_NAMESPACES.argocd}:argocd-application-controller`;

/** Argo CD's built-in role:readonly without `logs` (argo-cd 3.x assets/builtin-policy.csv): what viewers get in production. */
export const PRODUCTION_VIEWER_ROLE = 'role:platform-viewer';
const READONLY_WITHOUT_LOGS: Array<[string, string]> = [
  ['applications', '*/*'], ['applicationsets', '*/*'], ['certificates', '*'], ['clusters', '*'], ['repositories', '*'],
  ['write-repositories', '*'], ['projects', '*'], ['accounts', '*'], ['gpgkeys', '*'],
];

/**
 * Argo CD RBAC: admins, read-only for viewer groups, nothing for anyone else (`policy.default` is
 * empty); team rights live in each team's AppProject. role:readonly reads every pod's logs, so in
 * production viewers get the same role without them, as Kubernetes RBAC keeps pods/log from them.
 */
export function argocdPolicy(names: EnvironmentNames): string {
  const idp = names.platform.identity;
  const prod = names.environment.production;
  const viewerRole = prod ? PRODUCTION_VIEWER_ROLE : 'role:readonly';
  const lines = [
    ...(prod ? READONLY_WITHOUT_LOGS.map(([resource, object]) => `p, ${PRODUCTION_VIEWER_ROLE}, ${resource}, get, ${object}, allow`) : []),
    ...idp.adminGroups.map((g) => `g, ${g}, role:admin`),
    ...idp.viewerGroups.map((g) => `g, ${g}, ${viewerRole}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Team developers may see and sync their own project's applications. Outside production also roll
 * back, run resource actions, sync with overrides and read logs; in production what runs is exactly
 * what git says (no overrides, no actions that patch live objects, no logs that may print a Secret).
 */
export function teamProjectRole(team: TeamConfig, production: boolean) {
  const project = team.name;
  const actions = production ? ['get', 'sync'] : ['get', 'sync', 'action/*', 'override'];
  return {
    name: 'developer',
    description: `Members of ${team.groups.join(', ')}`,
    groups: team.groups,
    policies: actions.map((a) => `p, proj:${project}:developer, applications, ${a}, ${project}/*, allow`)
      .concat(production ? [] : [`p, proj:${project}:developer, logs, get, ${project}/*, allow`]),
  };
}

/** Helm repositories served over OCI (a repoURL without a scheme), as argo-cd chart `configs.repositories`. */
export function ociHelmRepositories(): Record<string, { name: string; url: string; type: 'helm'; enableOCI: 'true' }> {
  const oci = [...new Set(Object.values(HELM_CHARTS).map((c) => c.repoURL).filter((url) => !url.includes('://')))].sort();
  return Object.fromEntries(oci.map((url) => {
    const name = url.replace(/[^a-z0-9]+/g, '-');
    return [name, { name, url, type: 'helm', enableOCI: 'true' }];
  }));
}

export function argocdRelease(names: EnvironmentNames): HelmRelease {
  const prod = names.environment.production;
  const idp = names.platform.identity;
  const host = names.hostname('argocd');
  return {
    name: 'argocd',
    namespace: PLATFORM_NAMESPACES.argocd,
    chart: HELM_CHARTS.argocd,
    wave: SYNC_WAVE.operators,
    podSecurity: 'restricted',
    serverSideApply: true,
    values: {
      global: { domain: host },
      crds: { keep: true },
      configs: {
        // Argo CD pulls Helm charts from an OCI registry (Envoy Gateway publishes only there) once
        // the registry is declared as a Helm repository with OCI on; public, so no credentials.
        repositories: ociHelmRepositories(),
        params: { 'server.insecure': true }, // TLS ends at the gateway
        cm: {
          url: `https://${host}`,
          'admin.enabled': false, // people log in with the IdP; break-glass is kubectl with an admin role
          // Pinned (the 3.x default): admission tells the platform's objects from a team's by this annotation.
          'application.resourceTrackingMethod': 'annotation',
          'oidc.config': [
            `name: ${idp.provider}`,
            `issuer: ${idp.issuerURL}`,
            `clientID: ${idp.clients.argocd}`, // its own audience: Argo CD refuses tokens issued to the Kubernetes API
            `clientSecret: $${ARGOCD_OIDC_SECRET}:clientSecret`,
            'requestedScopes: ["openid", "profile", "email", "groups"]',
          ].join('\n') + '\n',
          // Lets sync waves wait for child Applications to be healthy (app of apps ordering).
          'resource.customizations.health.argoproj.io_Application': [
            'hs = {}',
            'hs.status = "Progressing"',
            'hs.message = ""',
            'if obj.status ~= nil and obj.status.health ~= nil then',
            '  hs.status = obj.status.health.status',
            '  if obj.status.health.message ~= nil then hs.message = obj.status.health.message end',
            'end',
            'return hs',
          ].join('\n') + '\n',
        },
        rbac: {
          // Nobody outside the platform's groups sees anything: not every IdP user is an engineer.
          'policy.default': '',
          'policy.csv': argocdPolicy(names),
          scopes: `[${idp.groupsClaim}]`,
        },
        ...(names.platform.gitops.mode === 'fleet' ? { clusterCredentials: clusterRegistration(names) } : {}),
      },
      controller: { replicas: 1, metrics: { enabled: true, serviceMonitor: { enabled: true } } },
      server: {
        replicas: prod ? 2 : 1,
        metrics: { enabled: true, serviceMonitor: { enabled: true } },
        // Served by an HTTPRoute on the gateway (PlatformUiRoute), not the chart's Ingress.
        ingress: { enabled: false },
      },
      repoServer: { replicas: prod ? 2 : 1, metrics: { enabled: true, serviceMonitor: { enabled: true } } },
      applicationSet: { replicas: prod ? 2 : 1 },
      'redis-ha': { enabled: prod },
      redis: { enabled: !prod },
      dex: { enabled: false },
    },
  };
}

/**
 * The cluster Secret that registers this environment's cluster with Argo CD in fleet mode (under the
 * chart's `configs.clusterCredentials`): the in-cluster API, labelled with the environment, named
 * after the cluster so that registrations of several environments never collide.
 */
export function clusterRegistration(names: EnvironmentNames): Record<string, unknown> {
  return {
    [names.argocdClusterName]: {
      server: IN_CLUSTER,
      labels: { [CLUSTER_ENVIRONMENT_LABEL]: names.env },
      config: { tlsClientConfig: { insecure: false } },
    },
  };
}

/**
 * Values of the bootstrap's argo-cd release: the same as the Application in git (so the hand-over
 * changes nothing), except ServiceMonitors, whose CRD arrives later with kube-prometheus-stack.
 */
export function bootstrapArgocdValues(names: EnvironmentNames): Record<string, unknown> {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'serviceMonitor' ? { ...(x as object), enabled: false } : strip(x)]));
  };
  return strip(argocdRelease(names).values) as Record<string, unknown>;
}
