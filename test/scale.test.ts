/**
 * A large organisation still gets a correct platform: 200 teams with 1,000 apps. (How long it
 * takes is measured by `npm run bench`, not here.)
 */
import { parsePlatformConfig, PlatformNames } from '../config';
import { ofKind, synthesizeObjects } from './harness/platform';
import { scaleConfig } from './fixtures/scale-config';

describe('200 teams, 1,000 apps', () => {
  const names = new PlatformNames(parsePlatformConfig(scaleConfig(200, 5))).environment('prod');
  const objects = synthesizeObjects(names);
  const count = (kind: string) => ofKind(objects, kind).length;
  /** Objects of a kind in team namespaces (the platform has its own ServiceMonitor in monitoring). */
  const teamObjects = (kind: string) => ofKind(objects, kind).filter((o) => o.metadata.namespace?.startsWith('team-'));
  const inTeams = (kind: string) => teamObjects(kind).length;

  it('gives every team its fenced namespace, AppProject and secret store', () => {
    expect(ofKind(objects, 'Namespace').filter((n) => n.metadata.labels?.['k8s-platform.io/tenant'] === 'true')).toHaveLength(200);
    expect(count('ResourceQuota')).toBe(200);
    expect(ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name === 'default-deny')).toHaveLength(200);
    expect(count('AppProject')).toBe(201);
    expect(count('SecretStore')).toBe(200);
  });

  it('gives every app the whole golden path, each on its own host', () => {
    for (const kind of ['Deployment', 'Service', 'Ingress', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ServiceMonitor']) {
      expect({ kind, count: inTeams(kind) }).toEqual({ kind, count: 1000 });
    }
    expect(new Set(teamObjects('Ingress').map((i) => i.spec.rules[0].host)).size).toBe(1000);
  });

  it('owns each team\'s apps folder by one Application in that team\'s project', () => {
    const appsApps = ofKind(objects, 'Application').filter((a) => a.metadata.name.startsWith('apps-'));
    expect(appsApps).toHaveLength(200);
    expect(appsApps.every((a) => a.spec.project === a.metadata.name.slice('apps-'.length))).toBe(true);
  });
});
