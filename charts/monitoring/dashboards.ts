/**
 * Grafana dashboards as code: one ConfigMap per dashboard, picked up by Grafana's sidecar.
 * Small on purpose: the questions an on-call engineer asks first, one panel each.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  /** [panel title, PromQL, unit] */
  readonly panels: Array<[string, string, string]>;
}

export const PLATFORM_DASHBOARDS: DashboardSpec[] = [
  { uid: 'platform-capacity', title: 'Platform / Cluster capacity', panels: [
    ['Memory requested vs allocatable', 'sum(kube_pod_container_resource_requests{resource="memory"}) / sum(kube_node_status_allocatable{resource="memory"})', 'percentunit'],
    ['CPU requested vs allocatable', 'sum(kube_pod_container_resource_requests{resource="cpu"}) / sum(kube_node_status_allocatable{resource="cpu"})', 'percentunit'],
    ['Memory requested per node', 'sum by (node) (kube_pod_container_resource_requests{resource="memory"}) / sum by (node) (kube_node_status_allocatable{resource="memory"})', 'percentunit'],
    ['Pods pending', 'sum(kube_pod_status_phase{phase="Pending"})', 'short'],
  ] },
  { uid: 'platform-gateway', title: 'Platform / Gateway traffic', panels: [
    ['Requests per second by route', 'sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/.*"}[5m]))', 'reqps'],
    ['5xx ratio by route', 'sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{envoy_response_code_class="5"}[5m])) / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx[5m]))', 'percentunit'],
    ['p95 latency by route', 'histogram_quantile(0.95, sum by (le, envoy_cluster_name) (rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~"httproute/.*"}[5m])))', 'ms'],
    ['Downstream connections per proxy', 'sum by (pod) (envoy_http_downstream_cx_active)', 'short'],
  ] },
  { uid: 'platform-certificates', title: 'Platform / Certificates', panels: [
    ['Days until expiry', '(certmanager_certificate_expiration_timestamp_seconds - time()) / 86400', 'd'],
    ['Certificates not ready', 'sum(certmanager_certificate_ready_status{condition="False"})', 'short'],
  ] },
  { uid: 'platform-argocd', title: 'Platform / Argo CD', panels: [
    ['Applications out of sync', 'sum(argocd_app_info{sync_status="OutOfSync"})', 'short'],
    ['Applications by health', 'sum by (health_status) (argocd_app_info)', 'short'],
    ['Sync operations failing', 'sum(increase(argocd_app_sync_total{phase=~"Error|Failed"}[1h]))', 'short'],
  ] },
  { uid: 'platform-logging', title: 'Platform / Logging pipeline', panels: [
    ['Records shipped per second', 'sum(rate(fluentbit_output_proc_records_total[5m]))', 'short'],
    ['Output errors per second', 'sum by (pod) (rate(fluentbit_output_errors_total[5m]))', 'short'],
    ['Records dropped per second', 'sum by (pod) (rate(fluentbit_output_retries_failed_total[5m]))', 'short'],
  ] },
];

export function dashboardJson(spec: DashboardSpec): string {
  return JSON.stringify({
    uid: spec.uid,
    title: spec.title,
    schemaVersion: 39,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    tags: ['platform'],
    panels: spec.panels.map(([title, expr, unit], i) => ({
      id: i + 1,
      type: 'timeseries',
      title,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      datasource: { type: 'prometheus', uid: 'prometheus' },
      fieldConfig: { defaults: { unit }, overrides: [] },
      targets: [{ refId: 'A', expr }],
    })),
  }, null, 2);
}

export class PlatformDashboards extends Construct {
  constructor(scope: Construct, id: string, props: { namespace: string; label: string }) {
    super(scope, id);
    for (const spec of PLATFORM_DASHBOARDS) {
      new k8s.KubeConfigMap(this, spec.uid, {
        metadata: { name: `dashboard-${spec.uid}`, namespace: props.namespace, labels: { [props.label]: '1' } },
        data: { [`${spec.uid}.json`]: dashboardJson(spec) },
      });
    }
  }
}
