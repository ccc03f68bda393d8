/**
 * One way in: Envoy Gateway (Gateway API, standard channel) behind an AWS Network Load Balancer,
 * hostnames fenced between the platform's UIs and each team, cert-manager issuing every listener's
 * certificate, external-dns publishing every accepted hostname. ingress-nginx (retired in March
 * 2026) and the Ingress API are not used.
 */
import { Construct } from 'constructs';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { CertificateIssuers, certManagerRelease } from './certificate-issuers';
import { EnvoyProxyFleet, envoyGatewayRelease, gatewayCrdsRelease } from './envoy-gateway';
import { externalDnsRelease } from './external-dns';
import { loadBalancerControllerRelease } from './load-balancer-controller';
import { PlatformGateway } from './platform-gateway';

export * from './certificate-issuers';
export * from './envoy-gateway';
export * from './external-dns';
export * from './load-balancer-controller';
export * from './platform-gateway';

export class GatewayChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    this.addRelease(gatewayCrdsRelease());
    this.addRelease(envoyGatewayRelease(names));
    this.addRelease(loadBalancerControllerRelease(names));
    this.addRelease(certManagerRelease(names));
    this.addRelease(externalDnsRelease(names));
    new CertificateIssuers(this, 'issuers', { names });
    new EnvoyProxyFleet(this, 'proxies', { names });
    new PlatformGateway(this, 'gateway', { names });
  }
}
