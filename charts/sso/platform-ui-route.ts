/**
 * A platform UI served through the gateway, behind SSO that a team cannot route around:
 * an HTTPRoute on the UI's own listener, and an Envoy Gateway SecurityPolicy on that route that
 * logs the user in with the IdP (OIDC client `identity.clients.gateway`), keeps the session in
 * host-only cookies of this UI's name (never sent to a team's app), verifies the ID token's issuer
 * and audience, and admits only members of the given groups.
 *
 * Argo CD and Grafana log users in again with their own clients behind this: a token issued to
 * one client (audience) is refused by every other consumer, the Kubernetes API included.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentNames, PLATFORM_UI_NAMESPACES, PlatformUi } from '../../config';
import { uiParentRef } from '../gateway/platform-gateway';
import { PlatformSecret } from '../lib/platform-secret';

/** Where the gateway puts the verified user's ID token for the JWT check (and the backend). */
export const ID_TOKEN_HEADER = 'X-Platform-Id-Token';
/** The gateway's OIDC client secret, in the backend. */
export const GATEWAY_OIDC_KEY = 'gateway/oidc';
const JWT_PROVIDER = 'platform-idp';
/** Values one JWT claim of an authorization rule may list (SecurityPolicy CRD, Envoy Gateway v1.9.0). */
export const CLAIM_VALUES_MAX = 128;
const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
/** What read-only groups may send: looking never changes a UI's state. */
export const READ_ONLY_METHODS = ['GET', 'HEAD'] as const;

/** The IdP's signing keys (JWKS), from its issuer URL. */
export function jwksUri(names: EnvironmentNames): string {
  const { provider, issuerURL } = names.platform.identity;
  if (provider === 'azure-ad') return `${issuerURL.replace(/\/v2\.0\/?$/, '')}/discovery/v2.0/keys`;
  if (provider === 'cognito') return `${issuerURL}/.well-known/jwks.json`;
  return `${issuerURL}/protocol/openid-connect/certs`;
}

export interface PlatformUiRouteProps {
  readonly names: EnvironmentNames;
  readonly ui: PlatformUi;
  /** The UI's Service, in the UI's namespace (no cross-namespace backends, no ReferenceGrant). */
  readonly service: { readonly name: string; readonly port: number };
  /** IdP groups admitted, with every method. */
  readonly groups: string[];
  /**
   * IdP groups admitted only to look (GET and HEAD): their writes are the UI's operator actions
   * (Prometheus's /-/quit and /-/reload, which prometheus-operator always enables). @default none
   */
  readonly readOnlyGroups?: string[];
  /**
   * Re-encrypt to a backend that serves TLS: the Secret (in the UI's namespace) holding the CA
   * certificate as ca.crt, and the name its certificate is for. @default plain HTTP inside the cluster
   */
  readonly backendTls?: { readonly caSecret: string; readonly hostname: string };
}

export class PlatformUiRoute extends Construct {
  readonly host: string;

  constructor(scope: Construct, id: string, props: PlatformUiRouteProps) {
    super(scope, id);
    const { names, ui } = props;
    const idp = names.platform.identity;
    const ns = PLATFORM_UI_NAMESPACES[ui];
    const clientSecret = `gateway-oidc-${ui}`;
    this.host = names.hostname(ui);
    // A claim matches at most CLAIM_VALUES_MAX values (the CRD's maxItems): more groups take more
    // rules. Over the limit the API server would refuse the whole SecurityPolicy, and the route,
    // accepted on its own, would serve the UI with no SSO in front.
    const groupRules = (name: string, groups: string[], extra: Record<string, unknown>) =>
      chunks(groups, CLAIM_VALUES_MAX).map((values, i) => ({
        name: i === 0 ? name : `${name}-${i + 1}`,
        action: 'Allow',
        ...extra,
        principal: { jwt: { provider: JWT_PROVIDER, claims: [{ name: idp.groupsClaim, valueType: 'StringArray', values }] } },
      }));
    const readOnly = [...new Set(props.readOnlyGroups ?? [])].filter((g) => !props.groups.includes(g));

    new ApiObject(this, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: ui, namespace: ns },
      spec: {
        parentRefs: [uiParentRef(ui)],
        hostnames: [this.host],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name: props.service.name, port: props.service.port, weight: 1 }],
        }],
      },
    });

    new PlatformSecret(this, 'client-secret', {
      names, name: clientSecret, namespace: ns, key: GATEWAY_OIDC_KEY, properties: { 'client-secret': 'clientSecret' },
    });

    new ApiObject(this, 'sso', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'SecurityPolicy',
      metadata: { name: `${ui}-sso`, namespace: ns },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: ui }],
        oidc: {
          provider: { issuer: idp.issuerURL },
          clientID: idp.clients.gateway,
          clientSecret: { group: '', kind: 'Secret', name: clientSecret },
          redirectURL: `https://${this.host}/oauth2/callback`,
          logoutPath: '/oauth2/logout',
          scopes: ['openid', 'profile', 'email', 'groups'],
          // No cookieDomain: the session cookies are host-only, sent to this UI's name and no other.
          cookieConfig: { sameSite: 'Lax' },
          forwardIDToken: { header: ID_TOKEN_HEADER },
        },
        // The ID token must come from our IdP, for the gateway's client: a token issued to the
        // Kubernetes API, Argo CD or Grafana is refused here.
        jwt: {
          providers: [{
            name: JWT_PROVIDER,
            issuer: idp.issuerURL,
            audiences: [idp.clients.gateway],
            remoteJWKS: { uri: jwksUri(names) },
            extractFrom: { headers: [{ name: ID_TOKEN_HEADER }] },
          }],
        },
        authorization: {
          defaultAction: 'Deny',
          rules: [
            ...groupRules('allowed-groups', [...new Set(props.groups)], {}),
            ...groupRules('read-only-groups', readOnly, { operation: { methods: [...READ_ONLY_METHODS] } }),
          ],
        },
      },
    });

    if (props.backendTls) {
      new ApiObject(this, 'backend-tls', {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'BackendTLSPolicy',
        metadata: { name: ui, namespace: ns },
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: props.service.name }],
          validation: { caCertificateRefs: [{ group: '', kind: 'Secret', name: props.backendTls.caSecret }], hostname: props.backendTls.hostname },
        },
      });
    }
  }
}
