/**
 * Writes an environment's charts as plain YAML: one folder per chart, one file per object.
 *
 * cdk8s' own FOLDER_PER_CHART_FILE_PER_RESOURCE names files `<Kind>.<name>`, so two objects of the
 * same kind and name in different namespaces silently overwrite each other. We include the
 * namespace and refuse collisions instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ApiObject, App, Chart } from 'cdk8s';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** File name of an object inside its chart folder. */
export function manifestFileName(obj: ManifestObject): string {
  const ns = obj.metadata.namespace ? `${obj.metadata.namespace}.` : '';
  return `${obj.kind}.${ns}${obj.metadata.name}.yaml`.replace(/[^0-9a-zA-Z._-]/g, '-');
}

/** Render one object exactly as it is committed: stable, no anchors, no line folding. */
export function renderManifest(obj: unknown): string {
  return yaml.dump(obj, { noRefs: true, lineWidth: -1, quotingType: '"' });
}

/**
 * Every chart's objects as JSON, keyed by chart id. cdk8s' Chart.toJson() re-validates the whole
 * app on each call, which is quadratic with hundreds of team charts; we validate once and render
 * each chart's own objects (we declare no construct dependencies, so construct order is the order).
 */
export function renderCharts(app: App): Map<string, ManifestObject[]> {
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((e) => `${c.node.path}: ${e}`));
  if (errors.length > 0) throw new Error(`validation failed:\n${errors.join('\n')}`);
  const out = new Map<string, ManifestObject[]>();
  for (const chart of app.charts) {
    const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
    out.set(chart.node.id, objects.map((o) => o.toJson() as ManifestObject));
  }
  return out;
}

/**
 * Every file of `app` in memory, keyed `<chart id>/<file>`, in synthesis order. Refuses two objects
 * that would land in the same file.
 */
export function renderFiles(app: App): Map<string, string> {
  const files = new Map<string, string>();
  for (const [folder, objects] of renderCharts(app)) {
    for (const obj of objects) {
      const file = `${folder}/${manifestFileName(obj)}`;
      if (files.has(file)) throw new Error(`chart ${folder} defines ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name} twice`);
      files.set(file, renderManifest(obj));
    }
  }
  return files;
}

/** Write rendered files under `outdir`, creating chart folders. */
export function writeFiles(files: Map<string, string>, outdir: string): void {
  const folders = new Set([...files.keys()].map((f) => path.dirname(f)));
  for (const folder of folders) fs.mkdirSync(path.join(outdir, folder), { recursive: true });
  for (const [file, content] of files) fs.writeFileSync(path.join(outdir, file), content);
}
