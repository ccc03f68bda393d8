/**
 * Argo CD's AppProject decisions, as its controller makes them before a sync: may an Application of
 * this project deploy this object, from this repository, to this destination?
 * (argo-cd util: AppProject.IsGroupKindPermitted, IsDestinationPermitted, IsSourcePermitted; globs
 * as Argo CD's glob.Match.)
 */
import { ofKind, PlacedObject } from './platform';

/** Argo CD's glob: `*` matches any run of characters. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

type GroupKind = { group: string; kind: string };
const inList = (list: GroupKind[], gk: GroupKind) => list.some((e) => globMatch(e.group, gk.group) && globMatch(e.kind, gk.kind));

export interface SyncRequest {
  readonly project: string;
  readonly repoURL: string;
  readonly server: string;
  /** The object's namespace; undefined for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly group: string;
  readonly kind: string;
}

export class AppProjectEvaluator {
  private readonly projects: Map<string, any>;

  constructor(objects: PlacedObject[]) {
    this.projects = new Map(ofKind(objects, 'AppProject').map((p) => [p.metadata.name, p.spec]));
  }

  /** Why Argo CD refuses the sync, or undefined when it allows it. */
  refusal(req: SyncRequest): string | undefined {
    const spec = this.projects.get(req.project);
    if (!spec) return `project ${req.project} does not exist`;
    if (!(spec.sourceRepos ?? []).some((r: string) => globMatch(r, req.repoURL))) return `repository ${req.repoURL} not permitted in project`;
    const gk = { group: req.group, kind: req.kind };
    if (req.namespace === undefined) {
      const white: GroupKind[] = spec.clusterResourceWhitelist ?? [];
      if (!(white.length !== 0 && inList(white, gk)) || inList(spec.clusterResourceBlacklist ?? [], gk)) return `cluster-scoped ${req.kind} not permitted in project`;
    } else {
      const white: GroupKind[] | undefined = spec.namespaceResourceWhitelist;
      const whitelisted = white === undefined || (white.length !== 0 && inList(white, gk));
      if (!whitelisted || inList(spec.namespaceResourceBlacklist ?? [], gk)) return `${req.kind} not permitted in project`;
    }
    const destOk = (spec.destinations ?? []).some((d: any) => globMatch(d.server ?? '*', req.server)
      && (req.namespace === undefined || globMatch(d.namespace ?? '*', req.namespace)));
    if (!destOk) return `destination ${req.server} ${req.namespace ?? ''} not permitted in project`;
    return undefined;
  }
}
