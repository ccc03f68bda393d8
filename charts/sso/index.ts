/**
 * Single sign-on for the dashboards that have none of their own (Prometheus, Alertmanager):
 * oauth2-proxy against the company IdP, enforced by ingress-nginx's external auth on each host,
 * with the IdP groups allowed per host.
 */
import { Construct } from 'constructs';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { INGRESS_CLASS, platformIngressAnnotations } from '../lib/ingress-defaults';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { PlatformSecret } from '../lib/platform-secret';

export const OAUTH2_PROXY_SECRET = 'oauth2-proxy';

/** Annotations that put an Ingress behind oauth2-proxy, admitting only members of `groups`. */
export function ssoIngressAnnotations(names: EnvironmentNames, groups: string[]): Record<string, string> {
  const auth = `https://${names.hostname('auth')}/oauth2`;
  return {
    ...platformIngressAnnotations(),
    'nginx.ingress.kubernetes.io/auth-url': `${auth}/auth?allowed_groups=${[...new Set(groups)].join(',')}`,
    'nginx.ingress.kubernetes.io/auth-signin': `${auth}/start?rd=$scheme://$host$escaped_request_uri`,
    'nginx.ingress.kubernetes.io/auth-response-headers': 'X-Auth-Request-User,X-Auth-Request-Email,X-Auth-Request-Groups',
  };
}

/** Ingress values (kube-prometheus-stack style) for a UI behind SSO. */
export function ssoIngressValues(names: EnvironmentNames, ui: 'prometheus' | 'alertmanager', groups: string[]) {
  const host = names.hostname(ui);
  return {
    enabled: true,
    ingressClassName: INGRESS_CLASS,
    annotations: ssoIngressAnnotations(names, groups),
    hosts: [host],
    paths: ['/'],
    tls: [{ secretName: `${ui}-tls`, hosts: [host] }],
  };
}

export class SsoChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    const idp = names.platform.identity;
    const host = names.hostname('auth');
    const ns = PLATFORM_NAMESPACES.oauth2Proxy;

    new PlatformSecret(this, 'oauth2-proxy-secret', {
      names, name: OAUTH2_PROXY_SECRET, namespace: ns, key: 'oauth2-proxy',
      properties: { 'client-id': 'clientId', 'client-secret': 'clientSecret', 'cookie-secret': 'cookieSecret' },
    });

    this.addRelease({
      name: 'oauth2-proxy',
      namespace: ns,
      chart: HELM_CHARTS.oauth2Proxy,
      wave: SYNC_WAVE.controllers,
      podSecurity: 'restricted',
      values: {
        replicaCount: names.environment.production ? 2 : 1,
        config: { existingSecret: OAUTH2_PROXY_SECRET },
        extraArgs: {
          provider: 'oidc',
          'oidc-issuer-url': idp.issuerURL,
          'oidc-groups-claim': idp.groupsClaim,
          'email-domain': '*',
          'cookie-domain': `.${names.environment.domain}`,
          'whitelist-domain': `.${names.environment.domain}`,
          'cookie-secure': 'true',
          'cookie-samesite': 'lax',
          'set-xauthrequest': 'true',
          'skip-provider-button': 'true',
          'reverse-proxy': 'true',
          upstream: 'static://202',
        },
        ingress: {
          enabled: true,
          className: INGRESS_CLASS,
          annotations: platformIngressAnnotations(),
          hosts: [host],
          tls: [{ secretName: 'oauth2-proxy-tls', hosts: [host] }],
        },
        metrics: { enabled: true, serviceMonitor: { enabled: true } },
      },
    });
  }
}
