/** The upstream Helm charts of a synthesized environment, in single and fleet mode alike. */
import { applicationSpecOf as specOf, PlacedObject } from './platform';

export interface HelmSource {
  /** Helm release name (the Application's name in single mode; fleet mode prefixes ApplicationSets with the environment). */
  readonly name: string;
  readonly wave: number;
  /** Destination namespace: where the chart's objects land. */
  readonly namespace: string;
  /** repoURL, chart, targetRevision, helm.{releaseName, valuesObject, skipCrds}. */
  readonly source: any;
}

const isApp = (o: PlacedObject) => o.obj.kind === 'Application' || o.obj.kind === 'ApplicationSet';

export function helmSources(objects: PlacedObject[]): HelmSource[] {
  return objects.filter(isApp).flatMap((o) => {
    const spec = specOf(o.obj);
    return spec.source?.chart
      ? [{ name: spec.source.helm?.releaseName ?? o.obj.metadata.name, wave: Number(o.obj.metadata.annotations['argocd.argoproj.io/sync-wave']), namespace: spec.destination.namespace, source: spec.source }]
      : [];
  });
}

/** Sync wave of the Application that syncs a dist/<env>/<folder>. */
export function folderWave(objects: PlacedObject[], folder: string): number {
  const app = objects.filter(isApp).find((o) => String(specOf(o.obj).source.path ?? '').endsWith(`/${folder}`));
  if (!app) throw new Error(`no Application syncs ${folder}`);
  return Number(app.obj.metadata.annotations['argocd.argoproj.io/sync-wave']);
}
