/**
 * Capacity: nodes that follow demand (Karpenter, its NodePools from platform.yaml), the resource
 * metrics API the HorizontalPodAutoscalers scale on (metrics-server), and the alerts that say when
 * either falls short (charts/monitoring/capacity-alerts.ts).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PLATFORM_NAMESPACES } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { LABELS } from '../lib/labels';
import { CAPACITY_ALERT_GROUPS } from '../monitoring/capacity-alerts';
import { karpenterCrdRelease, karpenterRelease, KarpenterNodePools } from './karpenter';
import { metricsServerRelease } from './metrics-server';

export * from './karpenter';
export * from './metrics-server';

export class CapacityChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    this.addRelease(karpenterCrdRelease());
    this.addRelease(karpenterRelease(names));
    this.addRelease(metricsServerRelease(names));

    new KarpenterNodePools(this, 'karpenter', { names });

    new ApiObject(this, 'capacity-alerts', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'capacity-alerts', namespace: PLATFORM_NAMESPACES.monitoring, labels: { [LABELS.partOf]: 'k8s-platform' } },
      spec: { groups: CAPACITY_ALERT_GROUPS },
    });
  }
}
