/**
 * Fences around the platform's own namespaces: every platform namespace denies ingress by default
 * and admits exactly who needs it. The VPC CNI enforces NetworkPolicies (infra turns it on).
 *
 * Who may reach what:
 *   anyone            the gateway's Envoy proxies (the front door, behind the Network Load Balancer)
 *   Envoy proxies     the UIs: Argo CD server, Grafana, Prometheus, Alertmanager, Kibana
 *   Prometheus        every platform namespace (metrics)
 *   the API server    the admission webhooks (cert-manager, External Secrets, prometheus-operator, ECK,
 *                     Envoy Gateway, the load balancer controller) and metrics-server, from the VPC
 *   Fluent Bit, ECK   Elasticsearch
 *   same namespace    always
 * Nothing else: a team pod cannot reach Prometheus, Alertmanager, Elasticsearch, Argo CD or the
 * secrets operator (team namespaces also deny egress by default).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';
import { PLATFORM_NAMESPACES } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { PROMETHEUS_POD_LABELS } from '../lib/labels';
import { LOG_STORE_NAME } from '../logging/elastic-log-store';
import { ENVOY_PROXY_LABELS } from '../gateway/envoy-gateway';

/** A peer: pods (all, or those with `pods` labels) of one namespace. */
const inNamespace = (namespace: string, pods?: Record<string, string>): k8s.NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  ...(pods ? { podSelector: { matchLabels: pods } } : {}),
});
const tcp = (...ports: number[]): k8s.NetworkPolicyPort[] => ports.map((port) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }));

/** An allowance into some pods of a platform namespace. */
export interface PlatformAllowance {
  /** NetworkPolicy name. */
  readonly name: string;
  /** Pods admitted to (labels); all pods of the namespace when absent. */
  readonly to?: Record<string, string>;
  readonly from: k8s.NetworkPolicyPeer[];
  readonly ports?: k8s.NetworkPolicyPort[];
}

const NS = PLATFORM_NAMESPACES;

/** Envoy Gateway's controller pods (gateway-helm v1.9.0) and the port its topology injector webhook serves (its Service's `webhook`). */
export const ENVOY_GATEWAY_CONTROLLER_LABELS = { 'control-plane': 'envoy-gateway' } as const;
export const ENVOY_GATEWAY_WEBHOOK_PORT = 9443;

/**
 * Where traffic from the internet comes in: the gateway's Envoy proxies, on the ports their
 * listeners (80, 443) map to in the container (Envoy Gateway v1.9.0 shifts ports under 1024 by
 * 10000). The UIs admit them, and only them.
 */
export const FRONT_DOOR = { namespace: NS.gateway, pods: ENVOY_PROXY_LABELS, ports: [10080, 10443] } as const;
const fromGateway = inNamespace(FRONT_DOOR.namespace, FRONT_DOOR.pods);

export class PlatformNetworkChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    // The EKS control plane calls webhooks from its network interfaces inside the VPC.
    const fromApiServer: k8s.NetworkPolicyPeer = { ipBlock: { cidr: names.environment.vpcCidr } };
    const elastic = names.platform.logging.backend === 'elasticsearch';

    const fences: Record<string, PlatformAllowance[]> = {
      [NS.argocd]: [{ name: 'allow-ui-from-gateway', to: { 'app.kubernetes.io/name': 'argocd-server' }, from: [fromGateway] }],
      [NS.monitoring]: [
        ...['grafana', 'prometheus', 'alertmanager'].map((ui) => ({ name: `allow-${ui}-from-gateway`, to: { 'app.kubernetes.io/name': ui }, from: [fromGateway] })),
        // prometheus-operator's admission webhook validates PrometheusRules and AlertmanagerConfigs.
        { name: 'allow-webhook-from-api-server', to: { app: 'kube-prometheus-stack-operator' }, from: [fromApiServer], ports: tcp(10250) },
      ],
      [NS.logging]: [],
      [NS.nodeExporter]: [],
      [FRONT_DOOR.namespace]: [
        // The listener ports only: Envoy's stats and readiness ports (19001, 19003) are Prometheus's and the kubelet's.
        { name: 'allow-from-anywhere', to: FRONT_DOOR.pods, from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: tcp(...FRONT_DOOR.ports) },
        // Envoy Gateway's topology injector webhook, on its port only: the VPC range holds every pod's
        // address too (VPC CNI), and the controller's other ports serve xDS, rate limit and Wasm
        // configuration to the proxies (same namespace).
        { name: 'allow-webhook-from-api-server', to: ENVOY_GATEWAY_CONTROLLER_LABELS, from: [fromApiServer], ports: tcp(ENVOY_GATEWAY_WEBHOOK_PORT) },
      ],
      [NS.loadBalancerController]: [{ name: 'allow-webhook-from-api-server', to: { 'app.kubernetes.io/name': 'aws-load-balancer-controller' }, from: [fromApiServer], ports: tcp(9443) }],
      // The API server's aggregation layer calls metrics-server for the resource metrics API.
      [NS.metricsServer]: [{ name: 'allow-metrics-api-from-api-server', to: { 'app.kubernetes.io/name': 'metrics-server' }, from: [fromApiServer], ports: tcp(10250) }],
      [NS.karpenter]: [],
      [NS.velero]: [],
      [NS.certManager]: [{ name: 'allow-webhook-from-api-server', to: { 'app.kubernetes.io/name': 'webhook' }, from: [fromApiServer], ports: tcp(10250) }],
      [NS.externalDns]: [],
      [NS.externalSecrets]: [{ name: 'allow-webhook-from-api-server', to: { 'app.kubernetes.io/name': 'external-secrets-webhook' }, from: [fromApiServer], ports: tcp(10250) }],
      ...(elastic ? {
        [NS.eckOperator]: [{ name: 'allow-webhook-from-api-server', from: [fromApiServer], ports: tcp(9443) }],
        [NS.logStore]: [
          { name: 'allow-kibana-from-gateway', to: { 'kibana.k8s.elastic.co/name': LOG_STORE_NAME }, from: [fromGateway] },
          { name: 'allow-elasticsearch-from-shippers', to: { 'common.k8s.elastic.co/type': 'elasticsearch' }, from: [inNamespace(NS.logging), inNamespace(NS.eckOperator)], ports: tcp(9200) },
        ],
      } : {}),
    };

    for (const [namespace, allowances] of Object.entries(fences).sort(([a], [b]) => a.localeCompare(b))) {
      const policy = (name: string, spec: k8s.NetworkPolicySpec) =>
        new k8s.KubeNetworkPolicy(this, `${namespace}-${name}`, { metadata: { name, namespace }, spec });
      policy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
      policy('allow-same-namespace', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
      if (namespace !== NS.monitoring) {
        policy('allow-from-prometheus', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [inNamespace(NS.monitoring, PROMETHEUS_POD_LABELS)] }] });
      }
      for (const a of allowances) {
        policy(a.name, {
          podSelector: a.to ? { matchLabels: a.to } : {},
          policyTypes: ['Ingress'],
          ingress: [{ from: a.from, ...(a.ports ? { ports: a.ports } : {}) }],
        });
      }
    }
  }
}
