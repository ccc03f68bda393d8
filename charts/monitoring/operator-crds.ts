/**
 * The prometheus-operator CRDs (ServiceMonitor, PodMonitor, PrometheusRule, ...) on their own, in the
 * CRD wave before every other chart: charts that render their ServiceMonitor only when the API
 * exists (Karpenter, External Secrets, Velero's autodetect) then render it on a fresh cluster too,
 * instead of silently leaving it out until a later sync.
 */
import { HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, KEEP_CRD_SYNC_OPTIONS, SYNC_WAVE } from '../lib/platform-chart';

export function prometheusOperatorCrdsRelease(): HelmRelease {
  return {
    name: 'prometheus-operator-crds',
    namespace: PLATFORM_NAMESPACES.monitoring,
    chart: HELM_CHARTS.prometheusOperatorCrds,
    wave: SYNC_WAVE.crds,
    podSecurity: 'restricted', // the monitoring namespace (node-exporter runs in a privileged namespace of its own)
    serverSideApply: true,
    values: { crds: { annotations: KEEP_CRD_SYNC_OPTIONS } },
  };
}
