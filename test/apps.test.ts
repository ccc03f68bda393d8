import { fleetName } from '../charts/gitops';
/**
 * The golden path, as properties of every app of every fixture environment: whatever a team
 * declares, the WebService gives it the whole set of objects, fenced the same way.
 */
import { secretEnvName } from '../charts/apps';
import { PLATFORM_GATEWAY } from '../config';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { named, synthesizeObjects, variantEnvironment } from './harness/platform';

const withApps = fixtureEnvironments().filter((env) => env.names.teams.some((t) => t.apps.length > 0));

describe.each(withApps)('$label', (env) => {
  const { names } = env;
  const objects = objectsOf(env);
  const apps = names.teams.flatMap((team) => team.apps.map((app) => ({ team, app, label: `${team.name}/${app.name}` })));

  describe.each(apps)('$label', ({ team, app }) => {
    const ns = names.teamNamespace(team);
    const mine = objects.filter((o) => o.folder === `apps-${team.name}`).map((o) => o.obj);
    const get = (kind: string, name = app.name) => mine.find((o) => o.kind === kind && o.metadata.name === name);

    it('gets every object of the golden path in its team\'s namespace and nowhere else', () => {
      const kinds = ['Deployment', 'HTTPRoute', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service', 'ServiceAccount'];
      for (const kind of kinds) expect({ kind, found: !!get(kind) }).toEqual({ kind, found: true });
      expect(!!get('ServiceMonitor')).toBe(app.metricsPath !== null);
      expect(!!get('ExternalSecret', `${app.name}-env`)).toBe(app.secrets.length > 0);
      expect(mine.every((o) => o.metadata.namespace === ns)).toBe(true);
      expect(mine.filter((o) => o.kind === 'Ingress')).toEqual([]);
    });

    it('runs the pinned image from the platform registry', () => {
      const image = get('Deployment').spec.template.spec.containers[0].image;
      expect(image.startsWith(`${names.ecrRegistry()}/${names.ecrRepository(team, app)}`)).toBe(true);
      expect(image.endsWith(app.tag)).toBe(true);
    });

    it('meets Pod Security restricted, with probes, resources and zone spreading', () => {
      const pod = get('Deployment').spec.template.spec;
      const c = pod.containers[0];
      expect(pod.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(c.readinessProbe.httpGet).toEqual({ path: app.healthPath, port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: app.healthPath, port: 'http' });
      expect(c.resources).toEqual({ requests: { cpu: app.resources.cpu, memory: app.resources.memory }, limits: { memory: app.resources.memory } });
      expect(pod.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('is served by an HTTPRoute on its own host in the team\'s zone, attached only to the team\'s ListenerSet', () => {
      const route = get('HTTPRoute');
      expect(route.spec.hostnames).toEqual([names.appHostname(team, app)]);
      expect(route.spec.hostnames[0].endsWith(`.${names.teamZone(team)}`)).toBe(true);
      expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'ListenerSet', name: names.teamListenerSet(team), namespace: PLATFORM_GATEWAY.namespace }]);
      // Its backend is its own Service, in its own namespace: no cross-namespace reference.
      expect(route.spec.rules.flatMap((r: any) => r.backendRefs)).toEqual([{ group: '', kind: 'Service', name: app.name, port: 80, weight: 1 }]);
    });

    it('feeds its environment from the team secret store only', () => {
      const es = get('ExternalSecret', `${app.name}-env`);
      if (app.secrets.length === 0) return expect(es).toBeUndefined();
      expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'team-secrets' });
      expect(es.spec.data.map((d: any) => d.remoteRef.key)).toEqual(app.secrets);
      expect(get('Deployment').spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: `${app.name}-env` } }]);
    });

    it('survives node drains, scales on CPU and admits only the gateway\'s proxies and Prometheus', () => {
      expect(get('PodDisruptionBudget').spec.maxUnavailable).toBe(1);
      expect(get('HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: app.replicas, maxReplicas: app.maxReplicas ?? app.replicas * 3 });
      const policy = get('NetworkPolicy', `${app.name}-ingress`);
      expect(policy.spec.ingress[0].from.map((p: any) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual([PLATFORM_GATEWAY.namespace, 'monitoring']);
      expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: app.port }]);
    });
  });

  describe.each(names.teams.filter((t) => t.apps.length > 0).map((team) => ({ team, label: team.name })))('apps of $label', ({ team }) => {
    it('are synced by an Application inside the team\'s own AppProject', () => {
      const application = named(objects, 'Application', `apps-${team.name}`) ?? named(objects, 'ApplicationSet', fleetName(names, `apps-${team.name}`))?.spec.template;
      expect(application.spec.project).toBe(team.name);
      expect(application.spec.destination.namespace).toBe(names.teamNamespace(team));
      expect(application.spec.source.path).toBe(`${names.gitopsPath}/apps-${team.name}`);
    });

    it('each have a host of their own', () => {
      const hosts = team.apps.map((a) => names.appHostname(team, a));
      expect(new Set(hosts).size).toBe(hosts.length);
    });
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
