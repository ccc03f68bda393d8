/**
 * Envoy Gateway, the one Gateway API implementation: its CRDs (Gateway API v1.6 standard channel
 * and Envoy Gateway's own), its controller, the GatewayClass and the EnvoyProxy that shapes the
 * proxies (replicas, disruption budget, zone spread, and a Service that the AWS Load Balancer
 * Controller turns into a Network Load Balancer with the client's IP preserved). The proxies'
 * metrics are scraped by a PodMonitor.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_GATEWAY, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';

/** Envoy Gateway's controller name: a GatewayClass with it is served by this installation. */
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
/** The EnvoyProxy the GatewayClass points to. */
export const ENVOY_PROXY_CONFIG = 'platform-proxy';
/** Labels Envoy Gateway puts on every proxy pod of the platform Gateway. */
export const ENVOY_PROXY_LABELS = {
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
  'gateway.envoyproxy.io/owning-gateway-name': PLATFORM_GATEWAY.name,
  'gateway.envoyproxy.io/owning-gateway-namespace': PLATFORM_GATEWAY.namespace,
};

/**
 * The CRDs, a wave before the controller: Gateway API's standard channel only (the experimental
 * kinds stay out of the cluster, so nobody can depend on them), plus Envoy Gateway's policy kinds.
 */
export function gatewayCrdsRelease(): HelmRelease {
  return {
    name: 'gateway-crds',
    namespace: PLATFORM_NAMESPACES.gateway,
    chart: HELM_CHARTS.gatewayCrds,
    wave: SYNC_WAVE.namespaces,
    podSecurity: 'baseline',
    serverSideApply: true, // the EnvoyProxy CRD alone is 1.4 MB, beyond client-side apply's annotation
    values: { crds: { gatewayAPI: { enabled: true, channel: 'standard' }, envoyGateway: { enabled: true } } },
  };
}

/** The controller. Its bundled CRDs are the experimental channel: off, twice (value and skipCrds). */
export function envoyGatewayRelease(names: EnvironmentNames): HelmRelease {
  const prod = names.environment.production;
  return {
    name: 'envoy-gateway',
    namespace: PLATFORM_NAMESPACES.gateway,
    chart: HELM_CHARTS.envoyGateway,
    wave: SYNC_WAVE.operators,
    // The proxies run in this namespace too; they need no privilege, but their pod spec is Envoy
    // Gateway's, not ours, so the namespace enforces baseline (as the old ingress controller had).
    podSecurity: 'baseline',
    skipCrds: true,
    values: {
      crds: { enabled: false },
      deployment: { replicas: prod ? 2 : 1 },
      podDisruptionBudget: { minAvailable: prod ? 1 : 0 },
      config: { envoyGateway: {
        gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER },
        provider: { type: 'Kubernetes' },
        logging: { level: { default: 'info' } },
        // Off, and said so: a Backend may point anywhere (an FQDN, an IP), and an EnvoyPatchPolicy
        // rewrites the proxies' configuration; either would route around the hostname fence and SSO.
        extensionApis: { enableBackend: false, enableEnvoyPatchPolicy: false },
      } },
    },
  };
}

export interface EnvoyProxyFleetProps {
  readonly names: EnvironmentNames;
}

/** GatewayClass, EnvoyProxy (the proxy fleet and its NLB) and the proxies' PodMonitor. */
export class EnvoyProxyFleet extends Construct {
  constructor(scope: Construct, id: string, props: EnvoyProxyFleetProps) {
    super(scope, id);
    const { names } = props;
    const env = names.environment;
    const replicas = env.gateway.replicas;
    const ns = PLATFORM_NAMESPACES.gateway;

    new ApiObject(this, 'gateway-class', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: PLATFORM_GATEWAY.className },
      spec: {
        controllerName: ENVOY_GATEWAY_CONTROLLER,
        parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: ENVOY_PROXY_CONFIG, namespace: ns },
      },
    });

    const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
      maxSkew: 1, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: ENVOY_PROXY_LABELS },
    });
    new ApiObject(this, 'envoy-proxy', {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'EnvoyProxy',
      metadata: { name: ENVOY_PROXY_CONFIG, namespace: ns },
      spec: {
        provider: {
          type: 'Kubernetes',
          kubernetes: {
            envoyDeployment: {
              replicas,
              pod: {
                // A zone outage must not take the whole fleet: strict in production.
                topologySpreadConstraints: [
                  spread('topology.kubernetes.io/zone', env.production ? 'DoNotSchedule' : 'ScheduleAnyway'),
                  spread('kubernetes.io/hostname', 'ScheduleAnyway'),
                ],
              },
              container: { resources: { requests: { cpu: env.production ? '500m' : '100m', memory: '256Mi' }, limits: { memory: '1Gi' } } },
            },
            // One proxy may go for a node drain; a single proxy must be allowed to move at all.
            envoyPDB: { minAvailable: Math.max(0, replicas - 1) },
            envoyService: {
              type: 'LoadBalancer',
              // The AWS Load Balancer Controller's class: the in-tree cloud provider leaves it alone.
              loadBalancerClass: 'service.k8s.aws/nlb',
              externalTrafficPolicy: 'Local',
              annotations: {
                'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
                'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
                // Pod IPs are the targets: no second hop through a node port.
                'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
                // IP targets over TCP lose the client address unless this is on; Envoy then sees the real client.
                'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
                'service.beta.kubernetes.io/aws-load-balancer-attributes': 'load_balancing.cross_zone.enabled=true',
              },
            },
          },
        },
      },
    });

    // The controller's metrics (translation, xDS pushes); its Service is the chart's `envoy-gateway`.
    new ApiObject(this, 'controller-metrics', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'envoy-gateway', namespace: ns },
      spec: {
        selector: { matchLabels: { 'control-plane': 'envoy-gateway' } },
        endpoints: [{ port: 'metrics', interval: '30s' }],
      },
    });

    // Envoy's own statistics (requests, response classes, latency per route) on its admin port.
    new ApiObject(this, 'proxy-metrics', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: 'envoy-proxies', namespace: ns },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway' } },
        podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus', interval: '30s' }],
      },
    });
  }
}
