/**
 * metrics-server: the resource metrics API (metrics.k8s.io) that HorizontalPodAutoscalers read CPU
 * and memory from, and that `kubectl top` shows. A chart rather than the EKS add-on so that its
 * replicas, disruption budget and scraping are set here, at the pinned chart's values.
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';

/** The API the HPAs' resource metrics come from, and the service that serves it. */
export const RESOURCE_METRICS_API = { group: 'metrics.k8s.io', version: 'v1beta1' } as const;

export function metricsServerRelease(names: EnvironmentNames): HelmRelease {
  const prod = names.environment.production;
  return {
    name: 'metrics-server',
    namespace: PLATFORM_NAMESPACES.metricsServer,
    chart: HELM_CHARTS.metricsServer,
    wave: SYNC_WAVE.controllers,
    podSecurity: 'restricted',
    values: {
      // An aggregated API: while no replica answers, every HPA stops scaling. Stateless, no leader.
      replicas: prod ? 2 : 1,
      podDisruptionBudget: { enabled: prod, minAvailable: 1 },
      podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      // Its own /metrics needs an authorized token; its health is watched from the API server's
      // side instead (aggregator_unavailable_apiservice, charts/monitoring/capacity-alerts.ts).
      resources: { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '400Mi' } },
    },
  };
}
