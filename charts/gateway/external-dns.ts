/**
 * external-dns publishes every hostname the gateway accepts in the environment's Route53 zone,
 * pointing at the gateway's Network Load Balancer. It reads HTTPRoutes, and only the hostnames a
 * listener actually admitted: a route a listener refused publishes nothing.
 */
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';

export function externalDnsRelease(names: EnvironmentNames): HelmRelease {
  return {
    name: 'external-dns',
    namespace: PLATFORM_NAMESPACES.externalDns,
    chart: HELM_CHARTS.externalDns,
    wave: SYNC_WAVE.controllers,
    podSecurity: 'restricted',
    values: {
      provider: { name: 'aws' },
      env: [{ name: 'AWS_DEFAULT_REGION', value: names.platform.aws.region }],
      sources: ['gateway-httproute'],
      // Team routes attach to their team's ListenerSet, not to the Gateway: follow them to its address.
      enableGatewayListenerSets: true,
      domainFilters: [names.environment.domain],
      // `sync` deletes records of removed hosts; the TXT owner id keeps it to records this cluster made.
      policy: 'sync',
      registry: 'txt',
      txtOwnerId: names.clusterName,
      serviceAccount: { create: true, name: names.workloadIdentity('external-dns').serviceAccount },
      serviceMonitor: { enabled: true },
    },
  };
}
