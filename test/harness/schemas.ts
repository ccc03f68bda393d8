/**
 * Validates manifests against the Kubernetes 1.33 OpenAPI definitions and the upstream CRD schemas
 * in ../shared, made strict: an unknown field is an error (upstream schemas allow them, and a
 * misspelt optional field is the bug we most want to catch), and so is a kind/apiVersion that a
 * 1.33 cluster or the pinned operators do not serve.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv, { ValidateFunction } from 'ajv';
import { filesUnder } from './files';

/** Where ../shared lives; override with PLATFORM_SHARED_DIR. */
export const SHARED_DIR = process.env.PLATFORM_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');

export function sharedSchemasAvailable(): boolean {
  return fs.existsSync(path.join(SHARED_DIR, 'k8s-schemas', 'v1.33.0_definitions.json'));
}

type Schema = Record<string, unknown>;
const K8S_ID = 'k8s.json';
const OBJECT_META = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** Forbid unknown fields wherever a schema lists its fields and does not opt out. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    // Drop prose to save memory; a *property* named description is a schema (an object) and stays.
    if (k === 'description' && typeof v === 'string') continue;
    out[k] = strict(v);
  }
  // Go's inline flags ((?i)) have no JavaScript equivalent; such a pattern is not checked.
  if (typeof out.pattern === 'string' && out.pattern.includes('(?')) delete out.pattern;
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

export class ManifestValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly kinds = new Map<string, () => Schema>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(sharedDir = SHARED_DIR) {
    const defsFile = path.join(sharedDir, 'k8s-schemas', 'v1.33.0_definitions.json');
    const defs = JSON.parse(fs.readFileSync(defsFile, 'utf8')).definitions as Record<string, Schema>;
    this.ajv.addSchema({ $id: K8S_ID, definitions: strict(defs) as Schema });
    for (const [name, def] of Object.entries(defs)) {
      const gvks = def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined;
      for (const gvk of gvks ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        this.kinds.set(`${apiVersion}/${gvk.kind}`, () => ({ $ref: `${K8S_ID}#/definitions/${name}` }));
      }
    }
    const crdDir = path.join(sharedDir, 'crds');
    for (const file of fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml')).sort()) {
      // Parse lazily: the CRDs are 10 MB and most runs need only a few.
      let doc: any;
      const load = () => (doc ??= yaml.load(fs.readFileSync(path.join(crdDir, file), 'utf8')));
      const head = fs.readFileSync(path.join(crdDir, file), 'utf8');
      const group = /\n  group: (\S+)/.exec(head)?.[1];
      const kind = /\n    kind: (\S+)/.exec(head)?.[1];
      // Any list indentation (Karpenter's CRDs indent lists by four); a version name is vN[alpha|betaN].
      const versions = [...head.matchAll(/\n *- (?:additionalPrinterColumns:[\s\S]*?\n *)?name: (v[0-9]+(?:(?:alpha|beta)[0-9]+)?)\n/g)].map((m) => m[1]);
      if (!group || !kind) continue;
      for (const version of new Set(versions)) {
        this.kinds.set(`${group}/${version}/${kind}`, () => {
          const v = load().spec.versions.find((x: any) => x.name === version);
          if (!v?.served) throw new Error(`${group}/${version} ${kind} is not served by the pinned operator`);
          const schema = strict(v.schema.openAPIV3Schema) as Schema;
          schema.properties = { ...(schema.properties as Schema), metadata: { $ref: OBJECT_META } };
          return schema;
        });
      }
    }
  }

  /** Errors for one object; empty when valid. */
  validate(obj: any): string[] {
    if (!obj || typeof obj !== 'object') return ['not an object'];
    const key = `${obj.apiVersion}/${obj.kind}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const schema = this.kinds.get(key);
      if (!schema) return [`${obj.kind} in ${obj.apiVersion} is not served by Kubernetes 1.33 or the pinned CRDs (removed or misspelt apiVersion/kind)`];
      try {
        fn = this.ajv.compile(schema());
      } catch (e) {
        return [(e as Error).message];
      }
      this.compiled.set(key, fn);
    }
    const errors: string[] = [];
    if (!obj.metadata?.name) errors.push('metadata.name: required');
    if (!fn(obj)) {
      for (const err of fn.errors ?? []) {
        const extra = err.keyword === 'additionalProperties' ? ` "${(err.params as any).additionalProperty}"` : '';
        errors.push(`${err.instancePath || '/'}: ${err.message}${extra}`);
      }
    }
    return errors;
  }
}

/** Every YAML document under a folder, with its file relative to that folder. */
export function loadManifests(root: string): Array<{ file: string; obj: any }> {
  return filesUnder(root, /\.yaml$/).flatMap((p) => yaml.loadAll(fs.readFileSync(p, 'utf8'))
    .filter((obj) => obj)
    .map((obj) => ({ file: path.relative(root, p), obj })));
}
