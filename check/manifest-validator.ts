/**
 * Validates objects as the API server would on create, for every Kubernetes version the platform
 * supports (config/schemas.ts) and the pinned CRDs:
 *
 *   - OpenAPI schema (ajv), strict: an unknown field is an error (the API server drops or refuses
 *     it, and a misspelt optional field is the bug we most want to catch), and so is a
 *     kind/apiVersion that a supported cluster or a pinned operator does not serve;
 *   - for CRD kinds, first the schema's `default:`s (the API server defaults before it validates,
 *     and many rules compare defaulted fields), then list-type uniqueness and every CEL rule
 *     (`x-kubernetes-validations`) at every level, evaluated by check/cel.ts with `self` bound to
 *     the node. Transition rules (those that mention `oldSelf`) are skipped: we only create.
 *
 * Errors read `<path>: <message>`; an error that only one Kubernetes version reports starts with
 * `Kubernetes <version>: `. A CEL failure ends with the rule. Callers name the object (objectName).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv, { ValidateFunction } from 'ajv';
import { KUBERNETES_VERSIONS, pinnedCrdFiles } from '../config/schemas';
import { compileCel, CelProgram, fromCel, toCel } from './cel';
import { crdFile, k8sDefinitionsFile } from './schema-files';

type Schema = Record<string, any>;
const K8S_ID = 'k8s.json';
const OBJECT_META = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** Forbid unknown fields wherever a schema lists its fields and does not opt out. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (node === null || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    // Drop prose and rules to save memory; a *property* named description is a schema and stays.
    if ((k === 'description' && typeof v === 'string') || k === 'x-kubernetes-validations') continue;
    out[k] = strict(v);
  }
  // Go's inline flags ((?i)) have no JavaScript equivalent; such a pattern is not checked.
  if (typeof out.pattern === 'string' && out.pattern.includes('(?')) delete out.pattern;
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** The API server's structural defaulting: absent (or null, unless nullable) fields get `default`. */
export function applyDefaults(value: any, schema: Schema | undefined): void {
  if (!schema || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) applyDefaults(item, schema.items);
    return;
  }
  const props: Record<string, Schema> = schema.properties ?? {};
  for (const [key, prop] of Object.entries(props)) {
    const absent = value[key] === undefined || (value[key] === null && !prop.nullable);
    if (absent && prop.default !== undefined) value[key] = clone(prop.default);
    if (value[key] !== undefined) applyDefaults(value[key], prop);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const key of Object.keys(value)) if (!(key in props)) applyDefaults(value[key], schema.additionalProperties);
  }
}

interface CompiledRule {
  readonly rule: string;
  readonly program: CelProgram;
  readonly message?: string;
  readonly messageExpression?: CelProgram;
  readonly fieldPath?: string;
}

const pointer = (p: string) => p || '/';

/** Checks the API server makes beyond JSON schema: list-type uniqueness and CEL rules, at every level. */
class CrdRules {
  private readonly compiled = new WeakMap<Schema, CompiledRule[]>();

  check(value: any, schema: Schema | undefined, at: string, errors: string[]): void {
    if (!schema || value === undefined || value === null) return;
    this.checkListType(value, schema, at, errors);
    for (const r of this.rules(schema)) {
      let ok: unknown;
      try {
        ok = r.program({ self: toCel(value, schema) });
      } catch (e) {
        errors.push(`${pointer(at)}: rule could not be evaluated: ${(e as Error).message}`);
        continue;
      }
      if (ok === true) continue;
      let message = r.message ?? `failed rule: ${r.rule}`;
      if (r.messageExpression) {
        try { message = String(fromCel(r.messageExpression({ self: toCel(value, schema) }))); } catch { /* the static message stands */ }
      }
      const where = r.fieldPath ? `${at}${r.fieldPath.replace(/\./g, '/')}` : at;
      errors.push(`${pointer(where)}: ${message} (CEL rule: ${r.rule.replace(/\s+/g, ' ').trim()})`);
    }
    if (Array.isArray(value)) {
      value.forEach((item, i) => this.check(item, schema.items, `${at}/${i}`, errors));
    } else if (typeof value === 'object') {
      const props: Record<string, Schema> = schema.properties ?? {};
      for (const [key, v] of Object.entries(value)) {
        const child = props[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        this.check(v, child, `${at}/${key}`, errors);
      }
    }
  }

  private rules(schema: Schema): CompiledRule[] {
    let rules = this.compiled.get(schema);
    if (!rules) {
      rules = (schema['x-kubernetes-validations'] ?? [])
        .filter((v: any) => !/\boldSelf\b/.test(v.rule))
        .map((v: any) => ({
          rule: v.rule, program: compileCel(v.rule), message: v.message, fieldPath: v.fieldPath,
          messageExpression: v.messageExpression ? compileCel(v.messageExpression) : undefined,
        }));
      this.compiled.set(schema, rules!);
    }
    return rules!;
  }

  private checkListType(value: any, schema: Schema, at: string, errors: string[]): void {
    const type = schema['x-kubernetes-list-type'];
    if (!Array.isArray(value) || (type !== 'set' && type !== 'map')) return;
    const keys: string[] = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const id = JSON.stringify(type === 'set' ? item : keys.map((k) => item?.[k] ?? schema.items?.properties?.[k]?.default));
      if (seen.has(id)) errors.push(`${at}/${i}: duplicate entry ${id} in a list of type ${type}`);
      seen.add(id);
    });
  }
}

interface Kind {
  /** OpenAPI kinds of Kubernetes: the versions that serve it. */
  readonly builtIn?: Set<string>;
  /** A CRD kind: its raw schema (for defaults and rules), loaded on first use. */
  readonly crd?: () => Schema;
}

export class ManifestValidator {
  readonly versions: readonly string[];
  private readonly ajvs = new Map<string, Ajv>();
  private readonly crdAjv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly kinds = new Map<string, Kind>();
  /** `<version>:<apiVersion>/<kind>` -> $ref of its definition. */
  private readonly refs = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly rules = new CrdRules();

  /** `schemaDir` holds k8s-schemas/ and crds/ (see check/schema-files.ts, locateSchemas). */
  constructor(schemaDir: string, versions: readonly string[] = KUBERNETES_VERSIONS) {
    this.versions = versions;
    for (const version of versions) {
      const defs = JSON.parse(fs.readFileSync(k8sDefinitionsFile(schemaDir, version), 'utf8')).definitions as Record<string, Schema>;
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      ajv.addSchema({ $id: K8S_ID, definitions: strict(defs) as Schema });
      this.ajvs.set(version, ajv);
      for (const [name, def] of Object.entries(defs)) {
        for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
          const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`;
          const kind = this.kinds.get(key) ?? { builtIn: new Set<string>() };
          kind.builtIn!.add(version);
          this.kinds.set(key, kind);
          this.refs.set(`${version}:${key}`, `${K8S_ID}#/definitions/${name}`);
        }
      }
    }
    for (const { file } of pinnedCrdFiles()) {
      const text = fs.readFileSync(crdFile(schemaDir, file), 'utf8');
      // Parse lazily: the CRDs are 10 MB and most runs need only a few.
      let doc: any;
      const load = () => (doc ??= yaml.load(text));
      const group = /\n  group: (\S+)/.exec(text)?.[1];
      const kind = /\n    kind: (\S+)/.exec(text)?.[1];
      const versionNames = [...text.matchAll(/\n  - (?:additionalPrinterColumns:[\s\S]*?\n    )?name: (v[0-9a-z]+)/g)].map((m) => m[1]);
      if (!group || !kind) continue;
      for (const version of new Set(versionNames)) {
        this.kinds.set(`${group}/${version}/${kind}`, {
          crd: () => {
            const v = load().spec.versions.find((x: any) => x.name === version);
            if (!v?.served) throw new Error(`${group}/${version} ${kind} is not served by the pinned operator`);
            return v.schema.openAPIV3Schema;
          },
        });
      }
    }
  }

  /** Errors for one object; empty when valid. The object itself is not changed. */
  validate(obj: any): string[] {
    if (!obj || typeof obj !== 'object') return ['not an object'];
    const key = `${obj.apiVersion}/${obj.kind}`;
    const kind = this.kinds.get(key);
    const errors: string[] = [];
    if (!obj.metadata?.name) errors.push('/metadata/name: required');
    if (!kind) {
      return [...errors, `${obj.kind} in ${obj.apiVersion} is not served by Kubernetes ${this.versions.join(' or ')} or the pinned CRDs (removed or misspelt apiVersion/kind)`];
    }
    if (kind.builtIn) return [...errors, ...this.perVersion((v) => this.validateBuiltIn(obj, key, v, kind.builtIn!))];
    let schema: Schema;
    try {
      schema = kind.crd!();
    } catch (e) {
      return [...errors, (e as Error).message];
    }
    const defaulted = clone(obj);
    applyDefaults(defaulted, schema);
    const fn = this.compile(`crd:${key}`, () => this.crdAjv.compile({ ...(strict(schema) as Schema), properties: { ...(strict(schema.properties) as Schema), metadata: { type: 'object' } } }));
    errors.push(...ajvErrors(fn, defaulted));
    errors.push(...this.perVersion((v) => ajvErrors(this.compile(`${v}:meta`, () => this.ajvs.get(v)!.compile({ $ref: OBJECT_META })), defaulted.metadata ?? {}, '/metadata')));
    this.rules.check(defaulted, schema, '', errors);
    return errors;
  }

  private validateBuiltIn(obj: any, key: string, version: string, servedBy: Set<string>): string[] {
    if (!servedBy.has(version)) return [`${obj.kind} in ${obj.apiVersion} is not served by Kubernetes ${version}`];
    return ajvErrors(this.compile(`${version}:${key}`, () => this.ajvs.get(version)!.compile({ $ref: this.refs.get(`${version}:${key}`)! })), obj);
  }

  /** Errors every version reports once; errors of some versions only, prefixed with the version. */
  private perVersion(errorsOf: (version: string) => string[]): string[] {
    const byVersion = this.versions.map((v) => ({ v, errors: errorsOf(v) }));
    const everywhere = byVersion[0]?.errors.filter((e) => byVersion.every((b) => b.errors.includes(e))) ?? [];
    return [...everywhere, ...byVersion.flatMap((b) => b.errors.filter((e) => !everywhere.includes(e)).map((e) => `Kubernetes ${b.v}: ${e}`))];
  }

  private compile(key: string, build: () => ValidateFunction): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) this.compiled.set(key, fn = build());
    return fn;
  }
}

function ajvErrors(fn: ValidateFunction, value: unknown, prefix = ''): string[] {
  if (fn(value)) return [];
  return (fn.errors ?? []).map((err) => {
    const extra = err.keyword === 'additionalProperties' ? ` "${(err.params as any).additionalProperty}"` : '';
    return `${pointer(prefix + err.instancePath)}: ${err.message}${extra}`;
  });
}

/** Every YAML document under a folder (or one file), with its file relative to that folder. */
export function loadManifests(root: string): Array<{ file: string; obj: any }> {
  const files = fs.statSync(root).isFile() ? [root] : yamlFilesUnder(root);
  const base = fs.statSync(root).isFile() ? path.dirname(root) : root;
  return files.flatMap((p) => yaml.loadAll(fs.readFileSync(p, 'utf8'))
    .filter((obj) => obj)
    .map((obj) => ({ file: path.relative(base, p), obj })));
}

function yamlFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? yamlFilesUnder(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
}
