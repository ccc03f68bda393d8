/**
 * A large organisation still gets a correct platform: 200 teams with 1,000 apps. (How long it
 * takes is measured by `npm run bench`, not here.)
 */
import { parsePlatformConfig, PlatformNames } from '../config';
import { ofKind, synthesizeObjects } from './harness/platform';
import { scaleConfig } from './fixtures/scale-config';

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

  it('owns each team\'s apps folder by one Application in that team\'s project', () => {
    const appsApps = ofKind(objects, 'Application').filter((a) => a.metadata.name.startsWith('apps-'));
    expect(appsApps).toHaveLength(200);
    expect(appsApps.every((a) => a.spec.project === a.metadata.name.slice('apps-'.length))).toBe(true);
  });
});
