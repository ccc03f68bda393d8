import { secretEnvName } from '../charts/apps';
import { exampleEnvironment, named, synthesizeObjects, variantEnvironment } from './harness/platform';

describe.each(['dev', 'prod'])('the example app payments/api in %s', (env) => {
  const names = exampleEnvironment(env);
  const objects = synthesizeObjects(names);
  const app = objects.filter((o) => o.folder === 'apps-payments').map((o) => o.obj);
  const get = (kind: string) => app.find((o) => o.kind === kind);
  const domain = names.environment.domain;

  it('gets every object of the golden path from a few lines of platform.yaml', () => {
    expect(app.map((o) => o.kind).sort()).toEqual(['Deployment', 'ExternalSecret', 'HorizontalPodAutoscaler', 'Ingress', 'NetworkPolicy',
      'PodDisruptionBudget', 'Service', 'ServiceAccount', 'ServiceMonitor']);
    expect(app.every((o) => o.metadata.namespace === 'payments')).toBe(true);
  });

  it('runs the pinned image from the platform registry', () => {
    expect(get('Deployment').spec.template.spec.containers[0].image).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme/payments/api:1.4.2');
  });

  it('meets Pod Security restricted, with probes, resources and zone spreading', () => {
    const pod = get('Deployment').spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('serves HTTPS on the team host with a certificate from cert-manager', () => {
    const ingress = get('Ingress');
    expect(ingress.spec.tls).toEqual([{ hosts: [`api-payments.${domain}`], secretName: 'api-tls' }]);
    expect(ingress.spec.rules[0].host).toBe(`api-payments.${domain}`);
    expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt');
  });

  it('feeds its environment from the team secret store only', () => {
    const es = get('ExternalSecret');
    expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'team-secrets' });
    expect(es.spec.data).toEqual([{ secretKey: 'DATABASE_URL', remoteRef: { key: 'api/database-url' } }]);
    expect(get('Deployment').spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'api-env' } }]);
  });

  it('is scraped, survives node drains, scales on CPU and admits only the ingress controller and Prometheus', () => {
    expect(get('ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    expect(get('PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(get('HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(get('NetworkPolicy').spec.ingress[0].from.map((p: any) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['ingress-nginx', 'monitoring']);
  });

  it('is synced by an Application inside the team\'s own AppProject', () => {
    const application = named(objects, 'Application', 'apps-payments');
    expect(application.spec.project).toBe('payments');
    expect(application.spec.destination.namespace).toBe('payments');
    expect(application.spec.source.path).toBe(`dist/${env}/apps-payments`);
  });
});

it('pins images by digest when the tag is one', () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  const objects = synthesizeObjects(variantEnvironment('dev', (d) => { d.teams[0].apps[0].tag = digest; }));
  expect(named(objects, 'Deployment', 'api').spec.template.spec.containers[0].image).toMatch(new RegExp(`/acme/payments/api@${digest}$`));
});

it('names secret environment variables after the last part of the reference', () => {
  expect(secretEnvName('api/database-url')).toBe('DATABASE_URL');
  expect(secretEnvName('stripe.key')).toBe('STRIPE_KEY');
});
