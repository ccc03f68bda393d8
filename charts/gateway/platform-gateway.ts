/**
 * The one Gateway and the fence between its hostnames.
 *
 * - One HTTPS listener per platform UI, on its exact name under `platform.<domain>`, admitting
 *   HTTPRoutes from that UI's namespace only. cert-manager issues each listener's certificate
 *   (the Gateway's `cert-manager.io/cluster-issuer` annotation, HTTP-01).
 * - One ListenerSet per team, written by the platform in the gateway's namespace, serving
 *   `*.<team>.apps.<domain>` to HTTPRoutes from the team's namespace only, with a wildcard
 *   certificate (DNS-01). The Gateway accepts ListenerSets from its own namespace only, so a team
 *   cannot add listeners, and ListenerSets keep the Gateway under its 64-listener limit at any
 *   number of teams.
 * - One plain-HTTP listener, admitting routes from the gateway's namespace only: the redirect to
 *   HTTPS and cert-manager's HTTP-01 challenges.
 *
 * No zone contains another (config/names.ts), so a team route can match neither a platform UI nor
 * another team's name, whatever it writes in `hostnames`. test/gateway.test.ts proves it on a model
 * of Gateway API route attachment with hostile routes.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/certificate-cert-manager.io';
import { EnvironmentNames, PLATFORM_GATEWAY, PLATFORM_UI_NAMESPACES, PlatformUi, TeamConfig } from '../../config';
import { CLUSTER_ISSUERS, HTTP_LISTENER } from './certificate-issuers';

const GATEWAY_API = 'gateway.networking.k8s.io';
const HTTP_ROUTES_ONLY = [{ group: GATEWAY_API, kind: 'HTTPRoute' }];

/** allowedRoutes admitting HTTPRoutes from exactly one namespace. */
export function routesFromNamespace(namespace: string) {
  return {
    namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } },
    kinds: HTTP_ROUTES_ONLY,
  };
}

/** Name of a platform UI's listener on the Gateway (the sectionName its route names). */
export function uiListenerName(ui: PlatformUi): string {
  return `ui-${ui}`;
}

/** The parentRef of a platform UI's route. */
export function uiParentRef(ui: PlatformUi) {
  return { group: GATEWAY_API, kind: 'Gateway', name: PLATFORM_GATEWAY.name, namespace: PLATFORM_GATEWAY.namespace, sectionName: uiListenerName(ui) };
}

/** The parentRef of a team's routes: its own ListenerSet. */
export function teamParentRef(names: EnvironmentNames, team: TeamConfig) {
  return { group: GATEWAY_API, kind: 'ListenerSet', name: names.teamListenerSet(team), namespace: PLATFORM_GATEWAY.namespace };
}

const https = (name: string, hostname: string, secretName: string, namespace: string) => ({
  name,
  hostname,
  port: 443,
  protocol: 'HTTPS',
  tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: secretName }] },
  allowedRoutes: routesFromNamespace(namespace),
});

export interface PlatformGatewayProps {
  readonly names: EnvironmentNames;
}

export class PlatformGateway extends Construct {
  constructor(scope: Construct, id: string, props: PlatformGatewayProps) {
    super(scope, id);
    const { names } = props;
    const ns = PLATFORM_GATEWAY.namespace;

    new ApiObject(this, 'gateway', {
      apiVersion: `${GATEWAY_API}/v1`,
      kind: 'Gateway',
      metadata: { name: PLATFORM_GATEWAY.name, namespace: ns, annotations: { 'cert-manager.io/cluster-issuer': CLUSTER_ISSUERS.letsencrypt } },
      spec: {
        gatewayClassName: PLATFORM_GATEWAY.className,
        // Only the platform's own ListenerSets (in this namespace) attach; never one a team writes.
        allowedListeners: { namespaces: { from: 'Same' } },
        listeners: [
          { name: HTTP_LISTENER, port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' }, kinds: HTTP_ROUTES_ONLY } },
          ...names.platformUis.map((ui) => https(uiListenerName(ui), names.hostname(ui), `${ui}-tls`, PLATFORM_UI_NAMESPACES[ui])),
        ],
      },
    });

    new ApiObject(this, 'https-redirect', {
      apiVersion: `${GATEWAY_API}/v1`,
      kind: 'HTTPRoute',
      metadata: { name: 'https-redirect', namespace: ns },
      spec: {
        parentRefs: [{ group: GATEWAY_API, kind: 'Gateway', name: PLATFORM_GATEWAY.name, sectionName: HTTP_LISTENER }],
        rules: [{
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
        }],
      },
    });

    for (const team of names.teams) {
      const zone = names.teamZone(team);
      const secretName = `${names.teamListenerSet(team)}-tls`;
      new ApiObject(this, `listeners-${team.name}`, {
        apiVersion: `${GATEWAY_API}/v1`,
        kind: 'ListenerSet',
        metadata: { name: names.teamListenerSet(team), namespace: ns },
        spec: {
          parentRef: { group: GATEWAY_API, kind: 'Gateway', name: PLATFORM_GATEWAY.name },
          listeners: [https('https', `*.${zone}`, secretName, names.teamNamespace(team))],
        },
      });
      new Certificate(this, `certificate-${team.name}`, {
        metadata: { name: names.teamListenerSet(team), namespace: ns },
        spec: {
          secretName,
          dnsNames: [`*.${zone}`],
          issuerRef: { kind: 'ClusterIssuer', name: CLUSTER_ISSUERS.letsencryptDns },
          privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS, algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
          renewBefore: '720h',
        },
      });
    }
  }
}
