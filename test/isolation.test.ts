/**
 * The fences around teams and around the platform, as properties of every fixture environment:
 * what the attack suite (test/attacks/) relies on, and what it cannot reach by requests alone
 * (Helm values of Argo CD, Grafana, Prometheus, Alertmanager routing).
 */
import { compileCel } from '../check/cel';
import { PLATFORM_NAMESPACES } from '../config';
import { PLATFORM_PROJECT, PRODUCTION_VIEWER_ROLE, TEAM_KINDS } from '../charts/gitops';
import { GUARDRAILS_CONFIGMAP, guardrailPolicies } from '../charts/tenancy';
import { TEAM_ALERT_LABEL } from '../charts/monitoring';
import { fixtureEnvironments, objectsOf } from './harness/fixtures';
import { applicationSpecOf, helmValues, ofKind } from './harness/platform';
import { AdmissionSimulator } from './harness/admission';
import { AppProjectEvaluator } from './harness/appproject';
import { NetworkModel } from './harness/network';
import { teamUsers } from './attacks/catalogue';
import { enforcedLevel, podSecurityViolations } from './harness/pod-security';

/** Alertmanager's routing tree: which receivers get an alert with these labels. */
function receiversFor(route: any, labels: Record<string, string>): string[] {
  const matches = (r: any) => (r.matchers ?? []).every((m: string) => {
    const [, name, op, value] = /^(\w+)(=~|!~|!=|=)"(.*)"$/.exec(m)!;
    const v = labels[name] ?? '';
    if (op === '=') return v === value;
    if (op === '!=') return v !== value;
    const hit = new RegExp(`^(?:${value})$`).test(v);
    return op === '=~' ? hit : !hit;
  });
  const out: string[] = [];
  for (const child of route.routes ?? []) {
    if (!matches(child)) continue;
    out.push(...receiversFor(child, labels));
    if (!child.continue) break;
  }
  return out.length ? out : [route.receiver];
}

describe.each(fixtureEnvironments())('isolation in $label', (env) => {
  const { names } = env;
  const objects = objectsOf(env);
  const production = names.environment.production;
  const teamNamespaces = new Set(names.teams.map((t) => names.teamNamespace(t)));
  const apps: any[] = [...ofKind(objects, 'Application'), ...ofKind(objects, 'ApplicationSet')].map((a) => ({ metadata: a.metadata, spec: applicationSpecOf(a) }));

  describe('platform namespaces', () => {
    const platformNamespaces = [...new Set([
      ...apps.filter((a) => a.spec.source.chart).map((a) => a.spec.destination.namespace as string),
      ...objects.filter((o) => o.obj.metadata.namespace && !teamNamespaces.has(o.obj.metadata.namespace)).map((o) => o.obj.metadata.namespace as string),
      ...ofKind(objects, 'Namespace').filter((n) => !teamNamespaces.has(n.metadata.name)).map((n) => n.metadata.name as string),
    ])].sort();

    it('fences every platform namespace with a default-deny ingress NetworkPolicy', () => {
      const fenced = new NetworkModel(objects).fencedNamespaces();
      expect(platformNamespaces.filter((ns) => !fenced.includes(ns))).toEqual([]);
      expect(platformNamespaces).toEqual(expect.arrayContaining([PLATFORM_NAMESPACES.monitoring, PLATFORM_NAMESPACES.argocd, PLATFORM_NAMESPACES.externalSecrets]));
    });

    it('runs monitoring (Grafana, Prometheus, Alertmanager) under Pod Security restricted, node-exporter alone in a privileged namespace', () => {
      const kps = apps.find((a) => a.spec.source.chart === 'kube-prometheus-stack');
      expect(kps.spec.syncPolicy.managedNamespaceMetadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(helmValues(objects, 'kube-prometheus-stack')?.['prometheus-node-exporter']?.namespaceOverride ?? kps.spec.source.helm.valuesObject['prometheus-node-exporter'].namespaceOverride).toBe(PLATFORM_NAMESPACES.nodeExporter);
      const nodeExporter = ofKind(objects, 'Namespace').find((n) => n.metadata.name === PLATFORM_NAMESPACES.nodeExporter);
      expect(nodeExporter.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
      const privileged = apps.filter((a) => a.spec.syncPolicy.managedNamespaceMetadata?.labels['pod-security.kubernetes.io/enforce'] === 'privileged').map((a) => a.spec.destination.namespace);
      expect(privileged).not.toContain(PLATFORM_NAMESPACES.monitoring);
    });
  });

  describe('admission policies', () => {
    const policies = ofKind(objects, 'ValidatingAdmissionPolicy');
    const bindings = ofKind(objects, 'ValidatingAdmissionPolicyBinding');

    it('binds every policy to the tenant namespaces, denying (not only warning)', () => {
      expect(policies.map((p) => p.metadata.name).sort()).toEqual(guardrailPolicies(names).map((p) => p.name).sort());
      for (const policy of policies) {
        const binding = bindings.find((b) => b.spec.policyName === policy.metadata.name);
        expect(binding.spec.validationActions).toEqual(['Deny']);
        expect(binding.spec.matchResources.namespaceSelector).toEqual({ matchLabels: { 'k8s-platform.io/tenant': 'true' } });
        expect(policy.spec.failurePolicy).toBe('Fail');
        if (policy.spec.paramKind) expect(binding.spec.paramRef).toEqual({ name: GUARDRAILS_CONFIGMAP, parameterNotFoundAction: 'Deny' });
      }
    });

    it('compiles every expression on the API server\'s CEL environment and says what to do on refusal', () => {
      for (const policy of policies) {
        for (const e of [...(policy.spec.variables ?? []), ...policy.spec.validations]) expect(() => compileCel(e.expression)).not.toThrow();
        for (const v of policy.spec.validations) {
          if (v.messageExpression) expect(() => compileCel(v.messageExpression)).not.toThrow();
          expect(v.message).toMatch(/: /);
        }
      }
    });

    it('gives every team namespace the tenant label and its guardrail parameters (registries, hosts)', () => {
      for (const team of names.teams) {
        const ns = ofKind(objects, 'Namespace').find((n) => n.metadata.name === names.teamNamespace(team));
        expect(ns.metadata.labels['k8s-platform.io/tenant']).toBe('true');
        const params = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === GUARDRAILS_CONFIGMAP && c.metadata.namespace === ns.metadata.name);
        expect(params.metadata.labels['k8s-platform.io/owner']).toBe('platform');
        expect(params.data.registries.split(',')).toEqual([...new Set([names.teamEcrPrefix(team), ...names.platform.guardrails.registries, ...team.guardrails.registries])]);
        expect(params.data.repositories.split(',').filter(Boolean)).toEqual(names.imageRepositories(team));
        expect(params.data.hosts.split(',').filter(Boolean)).toEqual(names.teamHosts(team));
      }
    });

    it('applies to team namespaces only, and refuses everything there when the guardrail parameters are missing', () => {
      const team = names.teams[0];
      const ns = names.teamNamespace(team);
      const deployment = (namespace: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace },
        spec: { template: { spec: { containers: [{ name: 'api', image: `${names.teamEcrPrefix(team)}/api:1.0.0` }] } } } });
      const create = (sim: AdmissionSimulator, namespace: string) => sim.admit({ operation: 'CREATE', resource: 'deployments', object: deployment(namespace), userInfo: teamUsers(team).argocd });
      const admission = new AdmissionSimulator(objects);
      expect(create(admission, ns).allowed).toBe(true);
      const foreign = { ...deployment(PLATFORM_NAMESPACES.monitoring), spec: { template: { spec: { containers: [{ name: 'x', image: 'quay.io/prometheus/node-exporter:v1.9.1' }] } } } };
      expect(admission.admit({ operation: 'CREATE', resource: 'deployments', object: foreign, userInfo: teamUsers(team).argocd }).allowed).toBe(true);
      const withoutParams = new AdmissionSimulator(objects.filter((o) => !(o.obj.kind === 'ConfigMap' && o.obj.metadata.name === GUARDRAILS_CONFIGMAP)));
      const refused = create(withoutParams, ns);
      expect(refused.allowed).toBe(false);
      expect(refused.messages.join()).toContain('no params found');
    });

    it('reads a `*.zone` host entry as every name inside the zone, not the zone itself nor look-alikes', () => {
      const team = names.teams[0];
      const ns = names.teamNamespace(team);
      const zone = `${team.name}.apps.${names.environment.domain}`;
      const withZone = objects.map((o) => (o.obj.kind === 'ConfigMap' && o.obj.metadata.name === GUARDRAILS_CONFIGMAP && o.obj.metadata.namespace === ns
        ? { ...o, obj: { ...o.obj, data: { ...o.obj.data, hosts: `*.${zone}` } } } : o));
      const admission = new AdmissionSimulator(withZone);
      const route = (host: string) => admission.admit({ operation: 'CREATE', resource: 'httproutes', userInfo: teamUsers(team).argocd,
        object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: ns }, spec: { hostnames: [host] } } }).allowed;
      expect(route(`api.${zone}`)).toBe(true);
      expect(route(`a.b.${zone}`)).toBe(true);
      expect(route(zone)).toBe(false);
      expect(route(`api.${zone}.attacker.example`)).toBe(false);
      expect(route(`api-${zone}`)).toBe(false);
    });

    it('gives every pod template the platform puts in a team namespace a spec Pod Security restricted admits', () => {
      const admission = new AdmissionSimulator(objects);
      const templates = objects.map((o) => o.obj).filter((o) => teamNamespaces.has(o.metadata.namespace) && o.spec?.template?.spec);
      for (const t of templates) {
        const level = enforcedLevel(admission.namespaceLabels(t.metadata.namespace));
        expect(level).toBe('restricted');
        expect({ object: `${t.kind}/${t.metadata.name}`, violations: podSecurityViolations(t.spec.template.spec, level) }).toEqual({ object: `${t.kind}/${t.metadata.name}`, violations: [] });
      }
    });

    it('admits everything the platform itself puts in team namespaces, as Argo CD creates it', () => {
      const admission = new AdmissionSimulator(objects);
      const projects = new AppProjectEvaluator(objects);
      for (const team of names.teams) {
        const { argocd } = teamUsers(team);
        const inNamespace = objects.filter((o) => o.obj.metadata.namespace === names.teamNamespace(team));
        expect(inNamespace.length).toBeGreaterThan(0);
        for (const { folder, obj } of inNamespace) {
          const kind = obj.kind.toLowerCase() as string;
          const resource = kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : kind.endsWith('s') ? `${kind}es` : `${kind}s`;
          const decision = admission.admit({ operation: 'CREATE', resource, object: obj, userInfo: argocd });
          expect({ object: `${obj.kind}/${obj.metadata.name}`, ...decision }).toEqual({ object: `${obj.kind}/${obj.metadata.name}`, allowed: true, messages: [], warnings: [] });
          if (folder.startsWith('apps-')) {
            // The golden path syncs through the team's own AppProject: it must fit the allow list.
            const [group] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : [''];
            expect({ object: `${obj.kind}/${obj.metadata.name}`, refusal: projects.refusal({ project: team.name, repoURL: names.platform.gitops.repoURL, server: 'https://kubernetes.default.svc', namespace: obj.metadata.namespace, group, kind: obj.kind }) })
              .toEqual({ object: `${obj.kind}/${obj.metadata.name}`, refusal: undefined });
          }
        }
      }
    });
  });

  describe('Argo CD', () => {
    const values = helmValues(objects, 'argocd') ?? apps.find((a) => a.spec.source.chart === 'argo-cd').spec.source.helm.valuesObject;

    it('grants nothing by default and roles only to the platform\'s groups', () => {
      expect(values.configs.rbac['policy.default']).toBe('');
      const idp = names.platform.identity;
      const lines = (values.configs.rbac['policy.csv'] as string).split('\n').filter(Boolean).map((l) => l.split(', '));
      const granted = lines.filter((l) => l[0] === 'g').map((l) => l[1]);
      expect(granted.filter((g) => ![...idp.adminGroups, ...idp.viewerGroups].includes(g))).toEqual([]);
      // The only policies defined here are the production viewers' role: reading, never logs.
      for (const p of lines.filter((l) => l[0] === 'p')) {
        expect(p[1]).toBe(PRODUCTION_VIEWER_ROLE);
        expect(p[3]).toBe('get');
        expect(p[2]).not.toBe('logs');
      }
    });

    it('keeps team AppProjects to allow lists: no cluster kinds, their namespace only', () => {
      for (const team of names.teams) {
        const project = ofKind(objects, 'AppProject').find((p) => p.metadata.name === team.name);
        expect(project.spec.namespaceResourceWhitelist).toEqual(TEAM_KINDS);
        expect(project.spec.namespaceResourceBlacklist).toBeUndefined();
        expect(project.spec.clusterResourceWhitelist).toEqual([]);
        expect(project.spec.destinations.map((d: any) => d.namespace)).toEqual([names.teamNamespace(team)]);
      }
      expect(TEAM_KINDS.map((k) => k.kind)).not.toEqual(expect.arrayContaining(['Secret']));
      for (const forbidden of ['Secret', 'Pod', 'Endpoints', 'EndpointSlice', 'Role', 'RoleBinding', 'ResourceQuota', 'LimitRange', 'SecretStore', 'Certificate', 'Issuer', 'Gateway', 'ReferenceGrant', 'ScrapeConfig', 'Probe', 'AlertmanagerConfig', 'PushSecret']) {
        expect(TEAM_KINDS.map((k) => k.kind)).not.toContain(forbidden);
      }
    });

    it(`lets team developers ${production ? 'only see and sync from git in production' : 'sync, roll back and read logs outside production'}`, () => {
      for (const team of names.teams) {
        const role = ofKind(objects, 'AppProject').find((p) => p.metadata.name === team.name).spec.roles[0];
        const actions = role.policies.map((p: string) => `${p.split(', ')[2]}/${p.split(', ')[3]}`);
        if (production) expect(actions.sort()).toEqual(['applications/get', 'applications/sync']);
        else expect(actions).toEqual(expect.arrayContaining(['applications/override', 'logs/get']));
      }
    });

    it('refuses to let a team Application take over an object another Application manages', () => {
      for (const app of apps.filter((a) => a.spec.project !== PLATFORM_PROJECT)) expect(app.spec.syncPolicy.syncOptions).toContain('FailOnSharedResource=true');
      for (const app of apps.filter((a) => a.spec.project === PLATFORM_PROJECT)) expect(app.spec.syncPolicy.syncOptions).not.toContain('FailOnSharedResource=true');
    });
  });

  describe('monitoring', () => {
    const kps = helmValues(objects, 'kube-prometheus-stack') ?? apps.find((a) => a.spec.source.chart === 'kube-prometheus-stack').spec.source.helm.valuesObject;

    it('forbids ServiceMonitors to read files from Prometheus\'s disk and stamps team series and alerts with their namespace', () => {
      const spec = kps.prometheus.prometheusSpec;
      expect(spec.arbitraryFSAccessThroughSMs).toEqual({ deny: true });
      expect(spec.enforcedNamespaceLabel).toBe('namespace');
      const excluded = new Set(spec.excludedFromEnforcement.map((e: any) => e.namespace));
      for (const team of names.teams) expect(excluded.has(names.teamNamespace(team))).toBe(false);
      expect(excluded.has(PLATFORM_NAMESPACES.monitoring)).toBe(true);
    });

    it('routes team alerts to the team\'s receivers only, never to a platform receiver; platform alerts still page', () => {
      const route = kps.alertmanager.config.route;
      const receivers = names.platform.alerting.receivers;
      const platformReceivers = receivers.filter((r) => r.team === undefined).map((r) => r.name);
      for (const team of names.teams) {
        const ns = names.teamNamespace(team);
        for (const severity of ['critical', 'warning', 'info']) {
          const own = receiversFor(route, { alertname: 'ApiDown', [TEAM_ALERT_LABEL]: team.name, namespace: ns, severity });
          expect(own.filter((r) => platformReceivers.includes(r))).toEqual([]);
          const expected = receivers.filter((r) => r.team === team.name && r.severities.includes(severity as any)).map((r) => r.name);
          expect(own).toEqual(expected.length ? expected : ['null']);
          // A rule claiming another team, or a namespace not its own, reaches nobody.
          expect(receiversFor(route, { alertname: 'ApiDown', [TEAM_ALERT_LABEL]: team.name, namespace: PLATFORM_NAMESPACES.monitoring, severity })).toEqual(['null']);
        }
      }
      const pagers = receiversFor(route, { alertname: 'KubePodCrashLooping', namespace: PLATFORM_NAMESPACES.monitoring, severity: 'critical' });
      expect(pagers).toEqual(receivers.filter((r) => r.team === undefined && r.severities.includes('critical')).map((r) => r.name));
    });

    it('admits only the platform\'s groups to Grafana: no basic auth, no login form, no role for outsiders', () => {
      const ini = kps.grafana['grafana.ini'];
      expect(ini['auth.basic']).toEqual({ enabled: false });
      expect(ini.auth.disable_login_form).toBe(true);
      expect(ini['auth.anonymous']).toEqual({ enabled: false });
      const oauth = ini['auth.generic_oauth'];
      expect(oauth.allowed_groups.split(' ').sort()).toEqual([...new Set(names.engineerGroups)].sort());
      expect(oauth.role_attribute_strict).toBe(true);
      expect(oauth.role_attribute_path).toMatch(/\|\| ''$/);
      // Sidecars cannot sign in with basic auth: they must not try to.
      expect(kps.grafana.sidecar.dashboards.skipReload).toBe(true);
      expect(kps.grafana.sidecar.datasources).toMatchObject({ initDatasources: true, skipReload: true });
    });
  });
});
