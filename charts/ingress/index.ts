/**
 * One way in: ingress-nginx behind an AWS Network Load Balancer, cert-manager issuing every host's
 * certificate (Let's Encrypt over HTTP-01 or DNS-01, or the company's private CA), external-dns
 * publishing every host in the environment's Route53 zone.
 */
import { Construct } from 'constructs';
import { ClusterIssuer } from '../../imports/clusterissuer-cert-manager.io';
import { Certificate, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy } from '../../imports/certificate-cert-manager.io';
import { HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { CLUSTER_ISSUERS, INGRESS_CLASS } from '../lib/ingress-defaults';
import { PlatformSecret } from '../lib/platform-secret';

const ACME = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};
/** The environment's wildcard certificate, also the controller's default certificate. */
export const WILDCARD_CERTIFICATE_SECRET = 'wildcard-tls';
export const PRIVATE_CA_SECRET = 'private-ca';

/** Secure defaults for every host behind the controller. */
export const INGRESS_NGINX_CONFIG: Record<string, string> = {
  'ssl-protocols': 'TLSv1.2 TLSv1.3',
  hsts: 'true',
  'hsts-max-age': '31536000',
  'hsts-include-subdomains': 'true',
  'server-tokens': 'false',
  'proxy-body-size': '10m',
  'client-header-timeout': '30',
  'allow-snippet-annotations': 'false',
  'annotations-risk-level': 'Critical',
  'enable-ocsp': 'false',
  'use-forwarded-headers': 'false',
};

export class IngressChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    const env = names.environment;
    const prod = env.production;
    const domain = env.domain;
    const replicas = env.ingress.replicas;
    const identity = (c: 'cert-manager' | 'external-dns') => names.workloadIdentity(c);

    this.addRelease({
      name: 'ingress-nginx',
      namespace: PLATFORM_NAMESPACES.ingress,
      chart: HELM_CHARTS.ingressNginx,
      wave: SYNC_WAVE.controllers,
      podSecurity: 'baseline', // binds 80/443 with NET_BIND_SERVICE
      values: {
        controller: {
          replicaCount: replicas,
          minAvailable: replicas > 1 ? Math.max(1, replicas - 1) : 0,
          ingressClassResource: { name: INGRESS_CLASS, default: true, enabled: true },
          ingressClass: INGRESS_CLASS,
          extraArgs: { 'default-ssl-certificate': `${PLATFORM_NAMESPACES.ingress}/${WILDCARD_CERTIFICATE_SECRET}` },
          config: INGRESS_NGINX_CONFIG,
          service: {
            // Local keeps the client's source IP (no second hop through kube-proxy's SNAT).
            externalTrafficPolicy: 'Local',
            annotations: {
              'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
              'service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled': 'true',
            },
          },
          topologySpreadConstraints: [{
            maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
          }],
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          metrics: { enabled: true, serviceMonitor: { enabled: true } },
          admissionWebhooks: { enabled: true },
        },
      },
    });

    this.addRelease({
      name: 'cert-manager',
      namespace: PLATFORM_NAMESPACES.certManager,
      chart: HELM_CHARTS.certManager,
      wave: SYNC_WAVE.operators,
      podSecurity: 'restricted',
      serverSideApply: true,
      values: {
        crds: { enabled: true, keep: true },
        replicaCount: prod ? 2 : 1,
        podDisruptionBudget: { enabled: prod },
        serviceAccount: { create: true, name: identity('cert-manager').serviceAccount },
        prometheus: { enabled: true, servicemonitor: { enabled: true } },
      },
    });

    this.addRelease({
      name: 'external-dns',
      namespace: PLATFORM_NAMESPACES.externalDns,
      chart: HELM_CHARTS.externalDns,
      wave: SYNC_WAVE.controllers,
      podSecurity: 'restricted',
      values: {
        provider: { name: 'aws' },
        env: [{ name: 'AWS_DEFAULT_REGION', value: names.platform.aws.region }],
        sources: ['ingress', 'service'],
        domainFilters: [domain],
        // `sync` deletes records of removed hosts; the TXT owner id keeps it to records this cluster made.
        policy: 'sync',
        registry: 'txt',
        txtOwnerId: names.clusterName,
        serviceAccount: { create: true, name: identity('external-dns').serviceAccount },
        serviceMonitor: { enabled: true },
      },
    });

    const acme = (name: string, server: string, solver: Record<string, unknown>) => new ClusterIssuer(this, name, {
      metadata: { name },
      spec: { acme: { server, email: names.platform.certificates.acmeEmail, privateKeySecretRef: { name: `${name}-account-key` }, solvers: [solver] } },
    });
    // The solver's Service defaults to NodePort, which team namespaces refuse (quota and admission).
    const http01 = { http01: { ingress: { ingressClassName: INGRESS_CLASS, serviceType: 'ClusterIP' } } };
    acme(CLUSTER_ISSUERS.letsencryptStaging, ACME.staging, http01);
    acme(CLUSTER_ISSUERS.letsencrypt, ACME.production, http01);
    // DNS-01 through Route53 (the role infra binds to cert-manager): the only way to get wildcards.
    acme(CLUSTER_ISSUERS.letsencryptDns, ACME.production, {
      dns01: { route53: { region: names.platform.aws.region } },
      selector: { dnsZones: [domain] },
    });

    // Company-trusted certificates for internal hosts; the CA key pair comes from the vault.
    new PlatformSecret(this, 'private-ca-key', {
      names, name: PRIVATE_CA_SECRET, namespace: PLATFORM_NAMESPACES.certManager, key: 'cert-manager/private-ca',
      properties: { 'tls.crt': 'certificate', 'tls.key': 'privateKey' },
    });
    new ClusterIssuer(this, CLUSTER_ISSUERS.privateCa, {
      metadata: { name: CLUSTER_ISSUERS.privateCa },
      spec: { ca: { secretName: PRIVATE_CA_SECRET } },
    });

    new Certificate(this, 'wildcard', {
      metadata: { name: 'wildcard', namespace: PLATFORM_NAMESPACES.ingress },
      spec: {
        secretName: WILDCARD_CERTIFICATE_SECRET,
        dnsNames: [domain, `*.${domain}`],
        issuerRef: { kind: 'ClusterIssuer', name: CLUSTER_ISSUERS.letsencryptDns },
        privateKey: { rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS, algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA, size: 256 },
        renewBefore: '720h',
      },
    });
  }
}
