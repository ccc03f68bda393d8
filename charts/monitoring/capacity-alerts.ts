/**
 * Alerts for the capacity that Karpenter and metrics-server provide: pods that no node takes,
 * Karpenter failing to launch nodes or being gone, a node pool at its limit, and a metrics API that
 * the HorizontalPodAutoscalers can no longer read. charts/capacity emits them;
 * test/fixtures/capacity-alert-cases.ts fires and silences each with `promtool test rules`.
 */
import { AlertGroup, rule } from './alert-rules';

/** Share of a pool's limit in use at which NodePoolAtLimit fires: the next scale-up will not fit. */
export const NODE_POOL_LIMIT_RATIO = 0.9;

export const CAPACITY_ALERT_GROUPS: AlertGroup[] = [
  {
    name: 'platform.autoscaling',
    rules: [
      rule('PodsUnschedulable', 'warning', '10m',
        'max by (namespace, pod) (kube_pod_status_unschedulable) == 1',
        'Pod {{ $labels.namespace }}/{{ $labels.pod }} has found no node for 10 minutes',
        'Karpenter cannot place it: check the pod\'s requests, node selectors and tolerations against the NodePools, their limits, and the KarpenterNodeLaunchFailing alert.'),
      rule('KarpenterNodeLaunchFailing', 'warning', '15m',
        'sum by (error) (rate(karpenter_cloudprovider_errors_total{method="Create"}[5m])) > 0',
        'Karpenter keeps failing to launch nodes ({{ $labels.error }})',
        'EC2 refuses the launches: capacity of the allowed instance families, a service quota, the node role or the KMS key. `kubectl get nodeclaims` and the karpenter logs name the cause.'),
      rule('NodePoolAtLimit', 'warning', '15m',
        `max by (nodepool, resource_type) (karpenter_nodepools_usage) / max by (nodepool, resource_type) (karpenter_nodepools_limit) >= ${NODE_POOL_LIMIT_RATIO}`,
        'Node pool {{ $labels.nodepool }} uses over 90% of its {{ $labels.resource_type }} limit',
        'Karpenter will launch no node that would cross the limit, so pods will stay pending. Raise the pool\'s limits in platform.yaml or lower requests.'),
      rule('KarpenterAbsent', 'critical', '10m',
        'absent(up{job="karpenter"} == 1)',
        'Karpenter is not running',
        'No node will be added, replaced or removed; pending pods stay pending and spot interruptions are not handled.'),
      rule('ResourceMetricsUnavailable', 'warning', '10m',
        'max by (name) (aggregator_unavailable_apiservice{name="v1beta1.metrics.k8s.io"}) == 1',
        'The resource metrics API ({{ $labels.name }}) is unavailable',
        'metrics-server does not answer the API server: HorizontalPodAutoscalers cannot read CPU and stop scaling, and `kubectl top` fails.'),
    ],
  },
];
