/** What every Ingress on the platform carries, so each host gets a certificate without effort. */
export const INGRESS_CLASS = 'nginx';

/** ClusterIssuer names (created by the ingress chart). */
export const CLUSTER_ISSUERS = {
  letsencryptStaging: 'letsencrypt-staging',
  letsencrypt: 'letsencrypt',
  letsencryptDns: 'letsencrypt-dns',
  privateCa: 'private-ca',
} as const;

export function platformIngressAnnotations(issuer: string = CLUSTER_ISSUERS.letsencrypt): Record<string, string> {
  return { 'cert-manager.io/cluster-issuer': issuer };
}
