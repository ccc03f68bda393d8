/**
 * The attack suite: every hostile request in the catalogue is refused by the layer that must stop
 * it, and its benign twin passes that same layer, in every environment of every fixture.
 */
import { fixtureEnvironments, objectsOf } from '../harness/fixtures';
import { AdmissionSimulator } from '../harness/admission';
import { Authorizer } from '../harness/rbac';
import { AppProjectEvaluator } from '../harness/appproject';
import { NetworkModel } from '../harness/network';
import { admissionAttacks, argocdAttacks, networkAttacks, podSecurityAttacks, rbacAttacks, syncAttacks, uiAttacks } from './catalogue';
import { authorizationDecision } from '../harness/security-policy';
import { enforcedLevel, podSecurityViolations } from '../harness/pod-security';
import { ArgoCdRbac } from '../harness/argocd-rbac';
import { helmValues } from '../harness/platform';
import { guardrailPolicies } from '../../charts/tenancy';
import { PLATFORM_NAMESPACES } from '../../config';

describe('the SSO model (Envoy Gateway authorization)', () => {
  const claim = (values: string[]) => ({ jwt: { provider: 'idp', claims: [{ name: 'groups', valueType: 'StringArray', values }] } });
  const policy = (rules: any[], defaultAction = 'Deny') => ({ spec: { authorization: { defaultAction, rules } } });
  it('decides by the first rule whose principal and methods match, else the default', () => {
    const p = policy([
      { name: 'deny-contractors', action: 'Deny', principal: claim(['contractors']) },
      { name: 'admins', action: 'Allow', principal: claim(['admins']) },
      { name: 'readers', action: 'Allow', operation: { methods: ['GET', 'HEAD'] }, principal: claim(['readers', 'contractors']) },
    ]);
    expect(authorizationDecision(p, { groups: ['readers'] }, 'GET')).toBe('Allow');
    expect(authorizationDecision(p, { groups: ['readers'] }, 'POST')).toBe('Deny');
    expect(authorizationDecision(p, { groups: ['contractors', 'admins'] }, 'GET')).toBe('Deny');
    expect(authorizationDecision(p, { groups: ['admins'] }, 'DELETE')).toBe('Allow');
    expect(authorizationDecision(p, {}, 'GET')).toBe('Deny');
  });
  it('refuses to guess about principals it does not model', () => {
    expect(() => authorizationDecision(policy([{ name: 'cidr', action: 'Allow', principal: { clientCIDRs: ['10.0.0.0/8'] } }]), {}, 'GET')).toThrow(/not modelled/);
  });
});

describe.each(fixtureEnvironments())('$label', (env) => {
  const { names } = env;
  const objects = objectsOf(env);
  const admission = new AdmissionSimulator(objects);
  const rbac = new Authorizer(objects);
  const projects = new AppProjectEvaluator(objects);
  const network = new NetworkModel(objects);
  const argocdValues = helmValues(objects, 'argocd') ?? objects.map((o) => o.obj).find((o) => o.kind === 'ApplicationSet' && o.metadata.name === 'argocd').spec.template.spec.source.helm.valuesObject;
  const argocd = new ArgoCdRbac(objects, argocdValues);

  describe('the suite itself', () => {
    it.each(guardrailPolicies(names).map((p) => [p.name] as const))('would fail if %s refused everything (its benign twins reach it)', (policy) => {
      const refuseAll = objects.map((o) => (o.obj.kind === 'ValidatingAdmissionPolicy' && o.obj.metadata.name === policy
        ? { ...o, obj: { ...o.obj, spec: { ...o.obj.spec, validations: [{ expression: 'false', message: 'refuses everything' }] } } } : o));
      const broken = new AdmissionSimulator(refuseAll);
      const twins = names.teams.flatMap((t) => admissionAttacks(names, t)).filter((a) => a.policy === policy);
      expect(twins.length).toBeGreaterThan(0);
      expect(twins.filter((a) => !broken.admit(a.benign).allowed).length).toBeGreaterThan(0);
    });
  });

  describe.each(names.teams.map((t) => [t.name, t] as const))('team %s', (_name, team) => {
    describe('admission (ValidatingAdmissionPolicies on the CEL engine)', () => {
      it.each(admissionAttacks(names, team).map((a) => [a.name, a] as const))('refuses %s, admits its twin', (_n, attack) => {
        const hostile = admission.admit(attack.hostile);
        expect(hostile.allowed).toBe(false);
        // Refused for the right reason, by the policy meant to, with a message (not an evaluation error).
        expect(hostile.messages.some((m) => m.startsWith(`${attack.policy}: `))).toBe(true);
        expect(hostile.messages.join('\n')).not.toMatch(/resulted in error|no params found/);
        expect(admission.admit(attack.benign)).toEqual({ allowed: true, messages: [], warnings: [] });
      });
    });

    describe('Pod Security', () => {
      it.each(podSecurityAttacks(names, team).map((a) => [a.name, a] as const))('refuses a pod that would %s; admits its twin', (_n, attack) => {
        const level = enforcedLevel(admission.namespaceLabels(attack.namespace));
        expect(level).toBe('restricted');
        expect(podSecurityViolations(attack.hostile, level)).not.toEqual([]);
        expect(podSecurityViolations(attack.benign, level)).toEqual([]);
      });
    });

    describe('RBAC', () => {
      it.each(rbacAttacks(names, team).map((a) => [a.name, a] as const))('refuses: %s; allows its twin', (_n, attack) => {
        expect(rbac.allows(attack.group, attack.hostile)).toBe(false);
        expect(rbac.allows(attack.group, attack.benign)).toBe(true);
      });
    });

    const repos = [...team.sourceRepos, ...(team.apps.length ? [names.platform.gitops.repoURL] : [])];
    if (repos.length > 0) {
      describe('AppProject', () => {
        it.each(syncAttacks(names, team).map((a) => [a.name, a] as const))('refuses to %s; syncs its twin', (_n, attack) => {
          expect(projects.refusal(attack.hostile)).toBeDefined();
          expect(projects.refusal(attack.benign)).toBeUndefined();
        });
      });
    } else {
      it('has an AppProject that syncs nothing at all (no repositories)', () => {
        for (const attack of syncAttacks(names, team)) expect(projects.refusal(attack.benign)).toMatch(/repository/);
      });
    }

    describe('Argo CD RBAC', () => {
      it.each(argocdAttacks(names, team).map((a) => [a.name, a] as const))('refuses: %s; allows its twin', (_n, attack) => {
        expect(argocd.allows(attack.hostile.groups, attack.hostile.resource, attack.hostile.action, attack.hostile.object)).toBe(false);
        expect(argocd.allows(attack.benign.groups, attack.benign.resource, attack.benign.action, attack.benign.object)).toBe(true);
      });
    });

    const uis = uiAttacks(names, team).filter((a) => objects.some((o) => o.obj.kind === 'SecurityPolicy' && o.obj.metadata.name === `${a.ui}-sso`));
    if (uis.length > 0) {
      describe('SSO at the gateway (SecurityPolicy authorization)', () => {
        const policy = (ui: string) => objects.map((o) => o.obj).find((o) => o.kind === 'SecurityPolicy' && o.metadata.name === `${ui}-sso`);
        const claims = (groups: string[]) => ({ [names.platform.identity.groupsClaim]: groups });
        it.each(uis.map((a) => [a.name, a] as const))('refuses: %s; allows its twin', (_n, attack) => {
          expect(authorizationDecision(policy(attack.ui), claims(attack.hostile.groups), attack.hostile.method)).toBe('Deny');
          expect(authorizationDecision(policy(attack.ui), claims(attack.benign.groups), attack.benign.method)).toBe('Allow');
        });
      });
    }

    // Grafana (kube-prometheus-stack 88.5.3) provisions an Alertmanager datasource unless told not to,
    // and Grafana Editors (team developers) create silences through it.
    describe('Grafana', () => {
      const stack = helmValues(objects, 'kube-prometheus-stack') ?? objects.map((o) => o.obj)
        .find((o) => o.kind === 'ApplicationSet' && o.spec.template.spec.source.chart === 'kube-prometheus-stack').spec.template.spec.source.helm.valuesObject;
      const alertmanagerDatasource = (values: any) => values?.grafana?.sidecar?.datasources?.alertmanager?.enabled ?? true;
      it('gives a team developer (Grafana Editor) no Alertmanager to silence the platform\'s alerts in; keeps the Prometheus datasource', () => {
        expect(alertmanagerDatasource(stack)).toBe(false);
        expect(alertmanagerDatasource({ grafana: { sidecar: { datasources: {} } } })).toBe(true);
        expect(stack.grafana?.sidecar?.datasources?.enabled ?? true).toBe(true);
      });
      // The dashboard sidecar (k8s-sidecar) loads labelled ConfigMaps from searchNamespace: ALL, a comma list, or its own namespace.
      const sidecarLoads = (namespace: string) => {
        const search = stack.grafana.sidecar.dashboards.searchNamespace ?? PLATFORM_NAMESPACES.monitoring;
        return search === 'ALL' || String(search).split(',').includes(namespace);
      };
      it('never loads a dashboard ConfigMap from the team\'s namespace (it would replace a platform dashboard of the same uid); loads the platform\'s', () => {
        expect(sidecarLoads(names.teamNamespace(team))).toBe(false);
        expect(sidecarLoads(PLATFORM_NAMESPACES.monitoring)).toBe(true);
        const platformDashboards = objects.map((o) => o.obj).filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
        expect(platformDashboards.length).toBeGreaterThan(0);
        for (const d of platformDashboards) expect(sidecarLoads(d.metadata.namespace)).toBe(true);
      });
    });

    describe('NetworkPolicy', () => {
      it.each(networkAttacks(names, team).map((a) => [a.name, a] as const))('refuses: %s; allows its twin', (_n, attack) => {
        expect(network.canReach(attack.hostile.from, attack.hostile.to, attack.hostile.port)).toBe(false);
        expect(network.canReach(attack.benign.from, attack.benign.to, attack.benign.port)).toBe(true);
      });

      // A team may add NetworkPolicies of its own; one that opens all egress must not open the platform.
      const openEgress = { folder: 'team-repo', obj: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'allow-all-egress', namespace: names.teamNamespace(team) }, spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{}] } } };
      const withOpenEgress = new NetworkModel([...objects, openEgress]);
      it.each(networkAttacks(names, team).filter((a) => a.fencedAtDestination).map((a) => [a.name, a] as const))('refuses even with the team\'s egress open: %s', (_n, attack) => {
        expect(withOpenEgress.canReach(attack.hostile.from, attack.hostile.to, attack.hostile.port)).toBe(false);
        expect(withOpenEgress.canReach(attack.benign.from, attack.benign.to, attack.benign.port)).toBe(true);
      });
    });
  });
});
