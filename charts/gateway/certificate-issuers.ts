/**
 * cert-manager and the ClusterIssuers every certificate of the platform comes from: Let's Encrypt
 * over HTTP-01 (solved through a route on the gateway's plain-HTTP listener), Let's Encrypt over
 * DNS-01 on the environment's Route53 zone (the only way to get the team zones' wildcards), and the
 * company's private CA for internal names (the log store's services).
 */
import { Construct } from 'constructs';
import { ClusterIssuer } from '../../imports/clusterissuer-cert-manager.io';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_GATEWAY, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';
import { PlatformSecret } from '../lib/platform-secret';

const ACME = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

/** ClusterIssuer names. */
export const CLUSTER_ISSUERS = {
  letsencryptStaging: 'letsencrypt-staging',
  letsencrypt: 'letsencrypt',
  letsencryptDns: 'letsencrypt-dns',
  privateCa: 'private-ca',
} as const;

export const PRIVATE_CA_SECRET = 'private-ca';
/** The gateway's plain-HTTP listener: ACME HTTP-01 challenges and the redirect to HTTPS. */
export const HTTP_LISTENER = 'http';

/**
 * cert-manager with its Gateway API support on: it reads the `cert-manager.io/cluster-issuer`
 * annotation on Gateways and requests one certificate per HTTPS listener.
 */
export function certManagerRelease(names: EnvironmentNames): HelmRelease {
  const prod = names.environment.production;
  return {
    name: 'cert-manager',
    namespace: PLATFORM_NAMESPACES.certManager,
    chart: HELM_CHARTS.certManager,
    wave: SYNC_WAVE.operators,
    podSecurity: 'restricted',
    serverSideApply: true,
    values: {
      crds: { enabled: true, keep: true },
      config: {
        apiVersion: 'controller.config.cert-manager.io/v1alpha1',
        kind: 'ControllerConfiguration',
        // v1.21's field (enableGatewayAPI is deprecated). ListenerSet support stays off: it is
        // behind an alpha feature gate, so the team wildcards are explicit Certificates.
        gatewayAPI: { enabled: true },
      },
      replicaCount: prod ? 2 : 1,
      podDisruptionBudget: { enabled: prod },
      // The webhook gates every certificate write, the cainjector feeds every webhook its CA.
      webhook: { replicaCount: prod ? 2 : 1, podDisruptionBudget: { enabled: prod } },
      cainjector: { replicaCount: prod ? 2 : 1, podDisruptionBudget: { enabled: prod } },
      serviceAccount: { create: true, name: names.workloadIdentity('cert-manager').serviceAccount },
      prometheus: { enabled: true, servicemonitor: { enabled: true } },
    },
  };
}

export interface CertificateIssuersProps {
  readonly names: EnvironmentNames;
}

export class CertificateIssuers extends Construct {
  constructor(scope: Construct, id: string, props: CertificateIssuersProps) {
    super(scope, id);
    const { names } = props;
    const domain = names.environment.domain;

    const acme = (name: string, server: string, solver: Record<string, unknown>) => new ClusterIssuer(this, name, {
      metadata: { name },
      spec: { acme: { server, email: names.platform.certificates.acmeEmail, privateKeySecretRef: { name: `${name}-account-key` }, solvers: [solver] } },
    });
    // cert-manager puts the challenge route in the Certificate's namespace; the HTTP listener admits
    // routes from the gateway's namespace only, so only the platform's own certificates solve here.
    // (The binding's field is gatewayHttpRoute; it writes gatewayHTTPRoute.)
    // The solver's Service defaults to NodePort, which no namespace of the platform needs.
    const http01 = { http01: { gatewayHttpRoute: { serviceType: 'ClusterIP', parentRefs: [{
      group: 'gateway.networking.k8s.io', kind: 'Gateway', name: PLATFORM_GATEWAY.name, namespace: PLATFORM_GATEWAY.namespace, sectionName: HTTP_LISTENER,
    }] } } };
    acme(CLUSTER_ISSUERS.letsencryptStaging, ACME.staging, http01);
    acme(CLUSTER_ISSUERS.letsencrypt, ACME.production, http01);
    // DNS-01 through Route53 (the role infra binds to cert-manager): the only way to get wildcards.
    acme(CLUSTER_ISSUERS.letsencryptDns, ACME.production, {
      dns01: { route53: { region: names.platform.aws.region } },
      selector: { dnsZones: [domain] },
    });

    // Company-trusted certificates for internal names; the CA key pair comes from the vault.
    new PlatformSecret(this, 'private-ca-key', {
      names, name: PRIVATE_CA_SECRET, namespace: PLATFORM_NAMESPACES.certManager, key: 'cert-manager/private-ca',
      properties: { 'tls.crt': 'certificate', 'tls.key': 'privateKey' },
    });
    new ClusterIssuer(this, CLUSTER_ISSUERS.privateCa, {
      metadata: { name: CLUSTER_ISSUERS.privateCa },
      spec: { ca: { secretName: PRIVATE_CA_SECRET } },
    });
  }
}
