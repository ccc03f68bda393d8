/**
 * Every Helm values document the platform hands to an upstream chart, and the check of its key
 * paths against the verified table in test/fixtures/chart-value-keys.ts.
 */
import { ChartValueKeys, ValueType } from '../fixtures/chart-value-keys';
import { FixtureEnvironment, objectsOf } from './fixtures';
import { helmSources } from './helm-sources';
import { SynthesizedInfra } from './infra';

/** One values document for one chart at one version, and where it comes from. */
export interface HelmValuesDocument {
  /** e.g. "Application kube-prometheus-stack" or "helm_release argocd (values[1])". */
  readonly where: string;
  /** `<chart>@<version>`, the key of CHART_VALUE_KEYS. */
  readonly chart: string;
  readonly values: unknown;
}

/**
 * The values every Argo CD Application (or ApplicationSet) of an environment passes to its chart,
 * and those of the bootstrap's helm_release resources in the `<env>-gitops` Terraform stack.
 */
export function helmValuesDocuments(fx: FixtureEnvironment, infra: SynthesizedInfra): HelmValuesDocument[] {
  const docs: HelmValuesDocument[] = helmSources(objectsOf(fx)).map(({ name, source }) => ({
    where: `Application ${name}`,
    chart: `${source.chart}@${source.targetRevision}`,
    values: source.helm?.valuesObject ?? {},
  }));
  const releases = infra.stack(`${fx.names.env}-gitops`).resource?.helm_release ?? {};
  for (const release of Object.values<any>(releases)) {
    (release.values as string[]).forEach((doc, i) => docs.push({
      where: `helm_release ${release.name} (values[${i}])`,
      chart: `${release.chart}@${release.version}`,
      values: i === 0 ? JSON.parse(doc) : terraformObject(doc),
    }));
  }
  return docs;
}

/**
 * A values document written as a Terraform expression (`${jsonencode({"a" = {"b" = expr}})}`, the
 * bootstrap's credentials read at apply time) as an object whose leaves are the expressions' text.
 * Throws on any other shape, so a change there is looked at rather than skipped.
 */
export function terraformObject(expression: string): unknown {
  const inner = /^\$\{jsonencode\((\{.*\})\)\}$/s.exec(expression)?.[1];
  if (!inner) throw new Error(`not a \${jsonencode({...})} values document: ${expression.slice(0, 80)}`);
  const json = inner
    .replace(/("(?:[^"\\]|\\.)*")\s*=\s*/g, '$1: ')
    .replace(/: ([^"{\s][^,}]*)/g, (_, expr: string) => `: ${JSON.stringify(expr.trim())}`);
  try {
    return JSON.parse(json);
  } catch {
    throw new Error(`cannot read the Terraform values document ${expression.slice(0, 80)}`);
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(v: unknown): ValueType | 'null' | 'other' {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'list';
  if (isMap(v)) return 'map';
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return typeof v as ValueType;
  return 'other';
}

/** A table key as a matcher: `*` is any one key (no dot). */
const matcher = (key: string) => new RegExp(`^${key.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+')}$`);

export interface KeyCheck {
  readonly problems: string[];
  /** The table keys this document used. */
  readonly used: Set<string>;
}

/**
 * Each key path of `values` must be a key of the chart's table (or lie below one of type 'map'),
 * with a value of the listed type. Problems name the document, the path, what was expected and found.
 */
export function checkValueKeys(doc: HelmValuesDocument, table: Readonly<Record<string, ChartValueKeys>>): KeyCheck {
  const problems: string[] = [];
  const used = new Set<string>();
  const chart = table[doc.chart];
  if (!chart) {
    return { problems: [`${doc.where}: chart ${doc.chart} has no verified keys in test/fixtures/chart-value-keys.ts (read its values.yaml at that version and add them)`], used };
  }
  const keys = Object.entries(chart.keys).map(([key, type]) => ({ key, type, re: matcher(key) }));
  const walk = (value: unknown, path: string): void => {
    const entry = path ? keys.find((k) => k.re.test(path)) : undefined;
    if (entry) {
      used.add(entry.key);
      const found = typeOf(value);
      if (found !== entry.type) problems.push(`${doc.where}: ${doc.chart} ${path}: expected ${entry.type}, found ${found} (${JSON.stringify(value)})`);
      return;
    }
    if (isMap(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (!path) return; // an empty values document
    problems.push(`${doc.where}: ${doc.chart} ${path}: not a key verified in test/fixtures/chart-value-keys.ts (Helm would ignore a misspelt key silently; read the chart at that version and add it)`);
  };
  walk(doc.values, '');
  return { problems, used };
}
