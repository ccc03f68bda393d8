/** Synthesizes an environment in memory and gives the objects with the dist/<env> folder each lands in. */
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { EnvironmentNames, loadPlatformConfig, parsePlatformConfig, PlatformNames } from '../../config';
import { buildEnvironment } from '../../charts/platform';
import { renderCharts } from '../../charts/lib/manifest-writer';

import { EXAMPLE_CONFIG } from './files';

export { EXAMPLE_CONFIG };

export interface PlacedObject {
  readonly folder: string;
  readonly obj: any;
}

export function synthesizeObjects(names: EnvironmentNames): PlacedObject[] {
  return [...renderCharts(buildEnvironment(names))].flatMap(([folder, objects]) => objects.map((obj) => ({ folder, obj })));
}

export function exampleEnvironment(env: string): EnvironmentNames {
  return new PlatformNames(loadPlatformConfig(EXAMPLE_CONFIG)).environment(env);
}

/** The example config with a change applied, for testing config-dependent behaviour. */
export function variantEnvironment(env: string, change: (doc: any) => void): EnvironmentNames {
  const doc: any = yaml.load(fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
  change(doc);
  return new PlatformNames(parsePlatformConfig(yaml.dump(doc))).environment(env);
}

export const ofKind = (objects: PlacedObject[], kind: string) => objects.filter((o) => o.obj.kind === kind).map((o) => o.obj);
export const named = (objects: PlacedObject[], kind: string, name: string) => ofKind(objects, kind).find((o) => o.metadata.name === name);
/**
 * The spec of every Argo CD Application an environment defines: Applications as they are, and the
 * template of each ApplicationSet (fleet mode), with the object's name.
 */
export const applicationSpecs = (objects: PlacedObject[]): Array<{ name: string; wave: string | undefined; spec: any }> =>
  [...ofKind(objects, 'Application'), ...ofKind(objects, 'ApplicationSet')]
    .map((a) => ({ name: a.metadata.name, wave: a.metadata.annotations?.['argocd.argoproj.io/sync-wave'], spec: applicationSpecOf(a) }));
/** An Application's spec, or an ApplicationSet's template spec (fleet mode: the same spec, once per cluster). */
export const applicationSpecOf = (obj: any) => (obj.kind === 'ApplicationSet' ? obj.spec.template.spec : obj.spec);
/** The Argo CD Application (or ApplicationSet template) spec that installs a Helm release. */
export const helmApplication = (objects: PlacedObject[], release: string) => applicationSpecs(objects).find((a) => a.spec.source?.helm?.releaseName === release)?.spec;
/** The Helm values an Argo CD Application passes to its chart (undefined when there is no such release). */
export const helmValues = (objects: PlacedObject[], release: string) => helmApplication(objects, release)?.source.helm.valuesObject;
