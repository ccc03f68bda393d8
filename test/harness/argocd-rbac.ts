/**
 * Argo CD's RBAC decisions (its Casbin model, as far as the platform uses it): `p` lines grant a
 * subject an action on a resource and object (globs), `g` lines give a group a role, project roles
 * grant their groups policies inside the project, built-in `role:admin` and `role:readonly`, and
 * `policy.default` for everyone who is signed in.
 */
import { ofKind, PlacedObject } from './platform';
import { globMatch } from './appproject';

type Policy = { subject: string; resource: string; action: string; object: string; effect: string };

const BUILT_IN: Record<string, Array<[string, string, string]>> = {
  'role:readonly': ['applications', 'applicationsets', 'clusters', 'projects', 'repositories', 'certificates', 'accounts', 'gpgkeys', 'logs']
    .map((r) => [r, 'get', '*'] as [string, string, string]),
  'role:admin': [['*', '*', '*']],
};

export class ArgoCdRbac {
  private readonly policies: Policy[] = [];
  private readonly groupRoles = new Map<string, string[]>();
  private readonly defaultRole: string;

  constructor(objects: PlacedObject[], values: { configs: { rbac: Record<string, string> } }) {
    const rbac = values.configs.rbac;
    this.defaultRole = rbac['policy.default'] ?? '';
    for (const line of (rbac['policy.csv'] ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
      const f = line.split(',').map((x) => x.trim());
      if (f[0] === 'g') this.groupRoles.set(f[1], [...(this.groupRoles.get(f[1]) ?? []), f[2]]);
      if (f[0] === 'p') this.policies.push({ subject: f[1], resource: f[2], action: f[3], object: f[4], effect: f[5] ?? 'allow' });
    }
    for (const project of ofKind(objects, 'AppProject')) {
      for (const role of project.spec.roles ?? []) {
        const subject = `proj:${project.metadata.name}:${role.name}`;
        for (const g of role.groups ?? []) this.groupRoles.set(g, [...(this.groupRoles.get(g) ?? []), subject]);
        for (const line of role.policies ?? []) {
          const f = line.split(',').map((x: string) => x.trim());
          this.policies.push({ subject: f[1], resource: f[2], action: f[3], object: f[4], effect: f[5] ?? 'allow' });
        }
      }
    }
  }

  /** May a signed-in user with these IdP groups do `action` on `resource` `object` (`<project>/<app>`)? */
  allows(groups: string[], resource: string, action: string, object: string): boolean {
    const roles = new Set([...groups.flatMap((g) => this.groupRoles.get(g) ?? []), ...(this.defaultRole ? [this.defaultRole] : [])]);
    const grants = [...this.policies.filter((p) => roles.has(p.subject)),
      ...[...roles].flatMap((r) => (BUILT_IN[r] ?? []).map(([res, act, obj]) => ({ subject: r, resource: res, action: act, object: obj, effect: 'allow' })))];
    const matching = grants.filter((p) => globMatch(p.resource, resource) && globMatch(p.action, action) && globMatch(p.object, object));
    return matching.some((p) => p.effect === 'allow') && !matching.some((p) => p.effect === 'deny');
  }
}
