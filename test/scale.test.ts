/**
 * A large organisation still gets a correct platform: 200 teams with 1,000 apps. (How long it
 * takes is measured by `npm run bench`, not here.)
 */
import { parsePlatformConfig, PlatformNames } from '../config';
import { ofKind, synthesizeObjects } from './harness/platform';
import { scaleConfig } from './fixtures/scale-config';
import { authorizationDecision } from './harness/security-policy';
import { CLAIM_VALUES_MAX } from '../charts/sso/platform-ui-route';

describe('200 teams, 1,000 apps', () => {
  // The example fixture's last environment, with 200 generated teams of 5 apps each.
  const names = new PlatformNames(parsePlatformConfig(scaleConfig(200, 5))).environments.at(-1)!;
  const objects = synthesizeObjects(names);
  /** Objects of a kind in team namespaces (the platform has its own ServiceMonitor in monitoring). */
  const teamObjects = (kind: string) => ofKind(objects, kind).filter((o) => o.metadata.namespace?.startsWith('team-'));
  const inTeams = (kind: string) => teamObjects(kind).length;

  it('gives every team its fenced namespace, AppProject and secret store', () => {
    const teamNamespaces = ofKind(objects, 'Namespace').filter((n) => n.metadata.name.startsWith('team-'));
    expect(teamNamespaces).toHaveLength(200);
    expect(inTeams('ResourceQuota')).toBe(200);
    expect(teamObjects('NetworkPolicy').filter((p) => p.metadata.name === 'default-deny')).toHaveLength(200);
    expect(ofKind(objects, 'AppProject').filter((p) => p.metadata.name.startsWith('team-'))).toHaveLength(200);
    expect(inTeams('SecretStore')).toBe(200);
  });

  it('gives every app the whole golden path, each on its own host', () => {
    for (const kind of ['Deployment', 'Service', 'HTTPRoute', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ServiceMonitor']) {
      expect({ kind, count: inTeams(kind) }).toEqual({ kind, count: 1000 });
    }
    expect(new Set(teamObjects('HTTPRoute').map((r) => r.spec.hostnames[0])).size).toBe(1000);
  });

  it('serves every team from a ListenerSet of its own and keeps the Gateway under its 64 listeners', () => {
    expect(ofKind(objects, 'ListenerSet')).toHaveLength(200);
    expect(ofKind(objects, 'Gateway')[0].spec.listeners.length).toBeLessThanOrEqual(64);
  });

  // Over the CRD's limit the API server refuses the SecurityPolicy, and the UI's route serves with no SSO.
  it('keeps every SSO policy within the CRD\'s 128 values per claim, and still admits the last team\'s developers', () => {
    const policies = ofKind(objects, 'SecurityPolicy');
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      for (const rule of policy.spec.authorization.rules) {
        for (const claim of rule.principal.jwt.claims) expect(claim.values.length).toBeLessThanOrEqual(CLAIM_VALUES_MAX);
      }
    }
    const last = names.teams.at(-1)!.groups[0];
    const claims = { [names.platform.identity.groupsClaim]: [last] };
    const grafana = policies.find((p) => p.metadata.name === 'grafana-sso');
    expect(authorizationDecision(grafana, claims, 'POST')).toBe('Allow');
    expect(authorizationDecision(grafana, { [names.platform.identity.groupsClaim]: ['contractors'] }, 'GET')).toBe('Deny');
  });

  it('owns each team\'s apps folder by one Application in that team\'s project', () => {
    const appsApps = ofKind(objects, 'Application').filter((a) => a.metadata.name.startsWith('apps-'));
    expect(appsApps).toHaveLength(200);
    expect(appsApps.every((a) => a.spec.project === a.metadata.name.slice('apps-'.length))).toBe(true);
  });
});
