/**
 * Argo CD itself, as a Helm release managed by Argo CD: SSO with the company IdP, group-based RBAC,
 * HA in production, UI behind the central ingress with TLS.
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES, TeamConfig } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';
import { platformIngressAnnotations, INGRESS_CLASS } from '../lib/ingress-defaults';

/** Secret (created by an ExternalSecret) holding the OIDC client secret; Argo CD reads `$argocd-oidc:clientSecret`. */
export const ARGOCD_OIDC_SECRET = 'argocd-oidc';

/** The user Argo CD's application controller applies every Application's objects as (chart release `argocd`). */
export const ARGOCD_CONTROLLER_USER = `system:serviceaccount:${PLATFORM_NAMESPACES.argocd}:argocd-application-controller`;

/**
 * Argo CD RBAC: admins, read-only for viewer groups, nothing for anyone else (`policy.default` is
 * empty); team rights live in each team's AppProject.
 */
export function argocdPolicy(names: EnvironmentNames): string {
  const idp = names.platform.identity;
  const lines = [...idp.adminGroups.map((g) => `g, ${g}, role:admin`), ...idp.viewerGroups.map((g) => `g, ${g}, role:readonly`)];
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
        params: { 'server.insecure': true }, // TLS ends at the ingress controller
        cm: {
          url: `https://${host}`,
          'admin.enabled': false, // people log in with the IdP; break-glass is kubectl with an admin role
          // Pinned (the 3.x default): admission tells the platform's objects from a team's by this annotation.
          'application.resourceTrackingMethod': 'annotation',
          'oidc.config': [
            `name: ${idp.provider}`,
            `issuer: ${idp.issuerURL}`,
            `clientID: ${idp.clientId}`,
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
      },
      controller: { replicas: 1, metrics: { enabled: true, serviceMonitor: { enabled: true } } },
      server: {
        replicas: prod ? 2 : 1,
        metrics: { enabled: true, serviceMonitor: { enabled: true } },
        ingress: {
          enabled: true,
          ingressClassName: INGRESS_CLASS,
          hostname: host,
          annotations: platformIngressAnnotations(),
          tls: true,
        },
      },
      repoServer: { replicas: prod ? 2 : 1, metrics: { enabled: true, serviceMonitor: { enabled: true } } },
      applicationSet: { replicas: prod ? 2 : 1 },
      'redis-ha': { enabled: prod },
      redis: { enabled: !prod },
      dex: { enabled: false },
    },
  };
}
