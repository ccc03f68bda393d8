import { exampleEnvironment, helmValues, named, ofKind, synthesizeObjects } from './harness/platform';

/** Every `ingress:` block with enabled: true inside Helm values, with the Application it belongs to. */
function helmIngresses(objects: ReturnType<typeof synthesizeObjects>): Array<{ app: string; ingress: any }> {
  const found: Array<{ app: string; ingress: any }> = [];
  const walk = (app: string, node: any) => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries<any>(node)) {
      if (k === 'ingress' && v && typeof v === 'object' && v.enabled === true) found.push({ app, ingress: v });
      else walk(app, v);
    }
  };
  for (const app of ofKind(objects, 'Application')) walk(app.metadata.name, app.spec.source.helm?.valuesObject);
  return found;
}
const hostsOf = (ingress: any): string[] => ingress.hostname ? [ingress.hostname] : ingress.hosts;

describe.each(['dev', 'prod'])('ingress and certificates in %s', (env) => {
  const names = exampleEnvironment(env);
  const domain = names.environment.domain;
  const objects = synthesizeObjects(names);
  const values = (app: string) => helmValues(objects, app);

  it('issues from Let\'s Encrypt staging and production over HTTP-01, over DNS-01 on Route53, and from a private CA', () => {
    const issuers = Object.fromEntries(ofKind(objects, 'ClusterIssuer').map((i) => [i.metadata.name, i.spec]));
    expect(issuers['letsencrypt-staging'].acme.server).toContain('acme-staging-v02');
    // ClusterIP: team namespaces refuse NodePort Services, and the solver runs in the namespace of the certificate.
    expect(issuers['letsencrypt-staging'].acme.solvers).toEqual([{ http01: { ingress: { ingressClassName: 'nginx', serviceType: 'ClusterIP' } } }]);
    expect(issuers.letsencrypt.acme.server).toBe('https://acme-v02.api.letsencrypt.org/directory');
    expect(issuers['letsencrypt-dns'].acme.solvers).toEqual([{ dns01: { route53: { region: 'eu-west-1' } }, selector: { dnsZones: [domain] } }]);
    expect(issuers['private-ca'].ca).toEqual({ secretName: 'private-ca' });
    expect(named(objects, 'ExternalSecret', 'private-ca').metadata.namespace).toBe('cert-manager');
  });

  it('requests a wildcard certificate for the environment domain and serves it by default', () => {
    const cert = named(objects, 'Certificate', 'wildcard');
    expect(cert.spec).toMatchObject({ dnsNames: [domain, `*.${domain}`], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-dns' }, secretName: 'wildcard-tls' });
    expect(values('ingress-nginx').controller.extraArgs['default-ssl-certificate']).toBe('ingress-nginx/wildcard-tls');
  });

  it('gives every Ingress TLS and a cert-manager issuer, on a host under the environment domain', () => {
    const ingresses = helmIngresses(objects);
    expect(ingresses.map((i) => i.app).sort()).toEqual(['argocd', 'kube-prometheus-stack', 'kube-prometheus-stack', 'kube-prometheus-stack', 'oauth2-proxy']);
    for (const { ingress } of ingresses) {
      expect(ingress.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
      expect(ingress.tls === true || ingress.tls.length > 0).toBe(true);
      for (const host of hostsOf(ingress)) expect(host.endsWith(`.${domain}`)).toBe(true);
    }
    expect(ofKind(objects, 'Ingress').every((i) => i.spec.tls?.length > 0)).toBe(true);
  });

  it('puts Argo CD, Grafana, Prometheus and Alertmanager on hosts under the domain', () => {
    const hosts = helmIngresses(objects).flatMap((i) => hostsOf(i.ingress)).sort();
    expect(hosts).toEqual(expect.arrayContaining(['argocd', 'grafana', 'prometheus', 'alertmanager'].map((h) => `${h}.${domain}`)));
  });

  it('puts Prometheus and Alertmanager behind oauth2-proxy, Alertmanager for operators only', () => {
    const kps = values('kube-prometheus-stack');
    const auth = (ui: any) => ui.ingress.annotations['nginx.ingress.kubernetes.io/auth-url'];
    expect(auth(kps.prometheus)).toContain(`https://auth.${domain}/oauth2/auth?allowed_groups=platform-admins,engineering,payments-developers`);
    expect(auth(kps.alertmanager)).toBe(`https://auth.${domain}/oauth2/auth?allowed_groups=platform-admins,engineering`);
    expect(values('oauth2-proxy').extraArgs['oidc-issuer-url']).toBe(names.platform.identity.issuerURL);
    expect(values('oauth2-proxy').config).toEqual({ existingSecret: 'oauth2-proxy' });
  });

  it('runs ingress-nginx as the default class behind an NLB with secure defaults and a disruption budget', () => {
    const c = values('ingress-nginx').controller;
    expect(c.ingressClassResource).toMatchObject({ name: 'nginx', default: true });
    expect(c.service.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
    expect(c.service.externalTrafficPolicy).toBe('Local');
    expect(c.replicaCount).toBe(names.environment.ingress.replicas);
    expect(c.minAvailable).toBeGreaterThanOrEqual(1);
    expect(c.config).toMatchObject({ 'ssl-protocols': 'TLSv1.2 TLSv1.3', hsts: 'true', 'server-tokens': 'false', 'allow-snippet-annotations': 'false' });
    expect(c.metrics.serviceMonitor.enabled).toBe(true);
  });

  it('limits external-dns to the environment zone and this cluster\'s records', () => {
    const v = values('external-dns');
    expect(v.domainFilters).toEqual([domain]);
    expect(v.txtOwnerId).toBe(names.clusterName);
  });

  it('runs each AWS-calling chart as the service account infra binds its role to', () => {
    expect(values('cert-manager').serviceAccount.name).toBe(names.workloadIdentity('cert-manager').serviceAccount);
    expect(values('external-dns').serviceAccount.name).toBe(names.workloadIdentity('external-dns').serviceAccount);
    expect(values('external-secrets').serviceAccount.name).toBe(names.workloadIdentity('external-secrets').serviceAccount);
    for (const [app, ns] of [['cert-manager', 'cert-manager'], ['external-dns', 'external-dns'], ['external-secrets', 'external-secrets']]) {
      expect(named(objects, 'Application', app).spec.destination.namespace).toBe(ns);
    }
  });
});
