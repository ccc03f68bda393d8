/**
 * The CEL rules (x-kubernetes-validations) of an upstream CRD, run on an object as the API server
 * runs them on create: schema defaults applied first, integers as CEL ints, maps as maps; rules
 * that compare with `oldSelf` (updates only) are skipped. Engine: @bufbuild/cel, with the
 * Kubernetes string library functions the rules use.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { celMethod, CelScalar, isCelError, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { SHARED_DIR } from './schemas';

type Schema = Record<string, any>;

/** Kubernetes' `string.find(regex)`: the first match, or '' when there is none. */
const find = celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (this: string, re: string) {
  return new RegExp(re).exec(this)?.[0] ?? '';
});
const FUNCS = [...strings, find];

export class CrdRules {
  private readonly schemas = new Map<string, Schema>();

  /** `files`: CRD file names in ../shared/crds. */
  constructor(files: string[], crdDir = path.join(SHARED_DIR, 'crds')) {
    for (const file of files) {
      const crd = yaml.load(fs.readFileSync(path.join(crdDir, file), 'utf8')) as any;
      for (const v of crd.spec.versions) this.schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }

  /** Whether these rules cover the object's kind. */
  covers(obj: any): boolean {
    return this.schemas.has(`${obj.apiVersion}/${obj.kind}`);
  }

  /** Every rule the object breaks, as `<path>: <message>`; empty when it would be admitted. */
  check(obj: any): string[] {
    const schema = this.schemas.get(`${obj.apiVersion}/${obj.kind}`);
    if (!schema) return [`no CRD for ${obj.apiVersion} ${obj.kind}`];
    const problems: string[] = [];
    walk(schema, JSON.parse(JSON.stringify(obj)), '', problems);
    return problems;
  }
}

/** Applies defaults in place, checks children first, then this node's rules. */
function walk(schema: Schema, value: any, at: string, problems: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(schema.items ?? {}, item, `${at}[${i}]`, problems));
  } else if (typeof value === 'object') {
    for (const [key, prop] of Object.entries<Schema>(schema.properties ?? {})) {
      if (value[key] === undefined && prop.default !== undefined) value[key] = JSON.parse(JSON.stringify(prop.default));
    }
    for (const [key, child] of Object.entries(value)) {
      const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) walk(sub, child, `${at}.${key}`, problems);
    }
  }
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(v.rule)) continue;
    const result = run(v.rule, { self: toCel(schema, value) }, { funcs: FUNCS });
    if (result !== true) problems.push(`${at || '.'}: ${v.message ?? v.rule}${isCelError(result) ? ` (error: ${result.message})` : ''}`);
  }
}

/** JSON to CEL values, typed by the schema: objects become maps, integers ints. */
function toCel(schema: Schema, value: any): any {
  if (Array.isArray(value)) return value.map((v) => toCel(schema.items ?? {}, v));
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {}), v)]));
  }
  if (typeof value === 'number' && schema.type !== 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}
