/**
 * Alerts the platform owns, beyond kube-prometheus-stack's defaults: the things that turn into an
 * outage if nobody acts (expiring certificates, memory overcommit, full volumes, a stuck GitOps
 * sync, secrets that stop syncing, failing gateway routes, lost logs). Each has a severity that decides
 * who is woken (see alertmanager-config.ts) and a runbook. test/alerts/ fires every one of them
 * with `promtool test rules`.
 */
import type { EnvironmentNames } from '../../config';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { severity: 'critical' | 'warning' | 'info' };
  readonly annotations: { summary: string; description: string; runbook_url: string };
}

export interface AlertGroup {
  readonly name: string;
  readonly rules: AlertRule[];
}

const RUNBOOKS = 'https://github.com/acme/platform-gitops/blob/main/docs/runbooks.md';
/** One alert with its runbook anchor; shared by every file of platform alerts. */
export const rule = (alert: string, severity: AlertRule['labels']['severity'], forDuration: string, expr: string, summary: string, description: string): AlertRule => ({
  alert,
  expr,
  for: forDuration,
  labels: { severity },
  annotations: { summary, description, runbook_url: `${RUNBOOKS}#${alert.toLowerCase()}` },
});

export const PLATFORM_ALERT_GROUPS: AlertGroup[] = [
  {
    name: 'platform.certificates',
    rules: [
      rule('CertificateExpiringSoon', 'warning', '1h',
        'certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600',
        'Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in under 14 days',
        'cert-manager renews 30 days ahead, so renewal has been failing for two weeks. Check the Certificate and its CertificateRequest.'),
      rule('CertificateExpired', 'critical', '0m',
        'certmanager_certificate_expiration_timestamp_seconds - time() <= 0',
        'Certificate {{ $labels.namespace }}/{{ $labels.name }} has expired',
        'Clients are rejecting TLS for the hosts of this certificate now.'),
      rule('CertificateNotReady', 'warning', '15m',
        'certmanager_certificate_ready_status{condition="False"} == 1',
        'Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready',
        'cert-manager cannot issue this certificate; hosts using it serve the default certificate.'),
      rule('CertManagerAbsent', 'critical', '10m',
        'absent(up{job="cert-manager"} == 1)',
        'cert-manager is not running',
        'Without cert-manager no certificate is renewed; every certificate will expire.'),
    ],
  },
  {
    name: 'platform.capacity',
    rules: [
      rule('NodeMemoryRequestsOvercommitted', 'warning', '10m',
        'sum by (node) (kube_pod_container_resource_requests{resource="memory"}) > sum by (node) (kube_node_status_allocatable{resource="memory"})',
        'Pods on {{ $labels.node }} request more memory than the node can allocate',
        'Memory requests above allocatable mean the kubelet will evict or OOM-kill pods.'),
      rule('ClusterMemoryCannotSurviveNodeLoss', 'warning', '15m',
        'sum(kube_pod_container_resource_requests{resource="memory"}) > sum(kube_node_status_allocatable{resource="memory"}) - max(kube_node_status_allocatable{resource="memory"})',
        'The cluster cannot reschedule its pods if one node is lost',
        'Memory requests exceed allocatable memory minus the largest node; add nodes or raise the node group maximum.'),
      rule('NodeMemoryLimitsOvercommitted', 'info', '30m',
        'sum by (node) (kube_pod_container_resource_limits{resource="memory"}) / sum by (node) (kube_node_status_allocatable{resource="memory"}) > 1.5',
        'Memory limits on {{ $labels.node }} exceed 150% of allocatable',
        'If pods use their limits at once the node runs out of memory.'),
      rule('NodeMemoryPressure', 'critical', '5m',
        'kube_node_status_condition{condition="MemoryPressure",status="true"} == 1',
        'Node {{ $labels.node }} is under memory pressure',
        'The kubelet is evicting pods from this node.'),
      rule('PersistentVolumeFillingUp', 'warning', '15m',
        'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.10',
        'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is over 90% full',
        'Grow the PersistentVolumeClaim or free space before writes fail.'),
      rule('PersistentVolumeFull', 'critical', '5m',
        'kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 0.03',
        'Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is over 97% full',
        'Writes will fail within minutes.'),
    ],
  },
  {
    name: 'platform.gitops',
    rules: [
      rule('ArgoCDAppOutOfSync', 'warning', '30m',
        'argocd_app_info{sync_status="OutOfSync"} == 1',
        'Argo CD application {{ $labels.name }} has been out of sync for 30 minutes',
        'What runs is not what git says; the last sync failed or a change is blocked.'),
      rule('ArgoCDAppDegraded', 'critical', '15m',
        'argocd_app_info{health_status="Degraded"} == 1',
        'Argo CD application {{ $labels.name }} is degraded',
        'Some of its resources are failing; open the application in Argo CD.'),
    ],
  },
  {
    name: 'platform.secrets',
    rules: [
      rule('ExternalSecretSyncFailing', 'warning', '15m',
        'externalsecret_status_condition{condition="Ready",status="False"} == 1',
        'ExternalSecret {{ $labels.namespace }}/{{ $labels.name }} cannot sync from the vault',
        'The Secret keeps its last value; a rotation in the vault will not arrive. Check the store and the backend key.'),
    ],
  },
  {
    name: 'platform.gateway',
    rules: [
      // Envoy names each route rule's backend cluster httproute/<namespace>/<route>/rule/<n>.
      rule('GatewayHighErrorRate', 'critical', '10m',
        'sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{envoy_response_code_class="5"}[5m])) / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx[5m])) > 0.05',
        'Route backend {{ $labels.envoy_cluster_name }} answers more than 5% of requests with 5xx',
        'Users see errors; check the backend pods of this HTTPRoute (namespace and route are in the name).'),
      // Prometheus names PodMonitor jobs <namespace>/<name>: the proxies' is envoy-gateway-system/envoy-proxies.
      rule('GatewayProxiesDown', 'critical', '5m',
        'absent(up{job="envoy-gateway-system/envoy-proxies"} == 1)',
        'No Envoy proxy of the gateway is up',
        'Every platform UI and every team app is unreachable from outside. Check the proxies in envoy-gateway-system and the Envoy Gateway controller.'),
      rule('EnvoyGatewayControllerDown', 'warning', '15m',
        'absent(up{job="envoy-gateway"} == 1)',
        'The Envoy Gateway controller is not running',
        'Proxies keep serving their last configuration, but no new route, listener or certificate reaches them.'),
      rule('GatewayBackendUnavailable', 'critical', '5m',
        'sum by (envoy_cluster_name) (envoy_cluster_membership_healthy{envoy_cluster_name=~"httproute/.*"}) == 0 and sum by (envoy_cluster_name) (envoy_cluster_membership_total{envoy_cluster_name=~"httproute/.*"}) > 0',
        'Route backend {{ $labels.envoy_cluster_name }} has no healthy endpoint',
        'The gateway answers 503 for this route: every backend pod is unready or gone.'),
    ],
  },
  {
    name: 'platform.logging',
    rules: [
      rule('LogShippingFailing', 'warning', '15m',
        'sum by (pod) (rate(fluentbit_output_errors_total[5m])) > 0',
        'Fluent Bit {{ $labels.pod }} fails to ship logs',
        'Logs are buffered on the node and lost when the buffer is full. Check the log store.'),
      rule('LogShippingDropping', 'critical', '5m',
        'sum by (pod) (rate(fluentbit_output_retries_failed_total[5m])) > 0',
        'Fluent Bit {{ $labels.pod }} is dropping logs',
        'Retries are exhausted: these logs are gone.'),
      rule('LogStoreNotGreen', 'warning', '15m',
        'max by (cluster) (elasticsearch_cluster_health_status{color="green"}) == 0',
        'Log store cluster {{ $labels.cluster }} health is not green',
        'Replicas are unassigned (yellow) or primaries are missing (red): search results are partial.'),
    ],
  },
];

/**
 * Alerts whose metrics exist only with some configurations. An alert on a metric nobody exports
 * can never fire, so it is left out where its exporter is not installed.
 */
const ALERT_NEEDS: Record<string, (names: EnvironmentNames) => boolean> = {
  // elasticsearch-exporter runs beside the ECK store only; the OpenSearch backend relies on the
  // Fluent Bit alerts above, which fire when the domain refuses or drops writes.
  LogStoreNotGreen: (names) => names.platform.logging.backend === 'elasticsearch',
};

/** The platform alerts that can fire in this environment. */
export function platformAlertGroups(names: EnvironmentNames): AlertGroup[] {
  return PLATFORM_ALERT_GROUPS
    .map((g) => ({ ...g, rules: g.rules.filter((r) => ALERT_NEEDS[r.alert]?.(names) ?? true) }))
    .filter((g) => g.rules.length > 0);
}
