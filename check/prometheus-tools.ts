/**
 * The Prometheus project's own checkers over what the platform emits: `promtool check rules` on
 * every PrometheusRule (handed `{groups: spec.groups}`, the rule-file shape promtool reads) and
 * `amtool check-config` on every Alertmanager config (kube-prometheus-stack's
 * `alertmanager.config` in the Helm values of an Argo CD Application or ApplicationSet template,
 * or an `alertmanager.yaml` key of a Secret). Both tools come from Debian's prometheus and prometheus-alertmanager packages.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { objectName } from './readiness';

export interface ToolFinding {
  readonly tool: 'promtool' | 'amtool';
  /** A warning when the tool is older than the config it reads (a field it does not know). */
  readonly severity: 'error' | 'warning';
  /** Kind/namespace/name of the object the config came from. */
  readonly object: string;
  readonly file?: string;
  readonly problem: string;
}

export const TOOL_PACKAGES = { promtool: 'prometheus', amtool: 'prometheus-alertmanager' } as const;

export function toolAvailable(tool: keyof typeof TOOL_PACKAGES): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** One line for a missing tool: what it checks and how to install it. */
export const missingToolMessage = (tool: keyof typeof TOOL_PACKAGES, what: string) =>
  `${tool} not found, ${what} not checked: install it (Debian/Ubuntu: apt-get install --no-install-recommends ${TOOL_PACKAGES[tool]})`;

interface Source { readonly obj: any; readonly file?: string }

let amtoolVersionLine: string | undefined;
const amtoolVersion = () => (amtoolVersionLine ??= /version (\S+)/.exec(runTool('amtool', ['--version']).output)?.[0].replace('version ', 'amtool ') ?? 'amtool');

/** Every Alertmanager config in a set of objects, with the object it came from. */
export function alertmanagerConfigs(objects: Source[]): Array<Source & { config: unknown }> {
  return objects.flatMap(({ obj, file }) => {
    if (obj?.kind === 'Application' || obj?.kind === 'ApplicationSet') {
      const spec = obj.kind === 'Application' ? obj.spec : obj.spec?.template?.spec;
      const sources = [spec?.source, ...(spec?.sources ?? [])].filter(Boolean);
      const values = (s: any) => s.helm?.valuesObject ?? (typeof s.helm?.values === 'string' ? yaml.load(s.helm.values) : undefined);
      return sources.map((s: any) => values(s)?.alertmanager?.config).filter(Boolean).map((config: unknown) => ({ obj, file, config }));
    }
    if (obj?.kind === 'Secret') {
      const text = obj.stringData?.['alertmanager.yaml']
        ?? (obj.data?.['alertmanager.yaml'] ? Buffer.from(obj.data['alertmanager.yaml'], 'base64').toString('utf8') : undefined);
      return text ? [{ obj, file, config: yaml.load(text) }] : [];
    }
    return [];
  });
}

function runTool(tool: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** The tool's complaint without its chatter and without the name of our temporary file. */
function problemOf(output: string, tmpFile: string): string {
  const lines = output.split('\n')
    .map((l) => l.split(`'${tmpFile}'`).join('').split(`${tmpFile}: `).join('').split(tmpFile).join('').trim())
    .map((l) => l.replace(/^Checking\s*/, '').replace(/^FAILED:\s*/, ''))
    .filter((l) => l && !/^amtool: error: failed to validate/.test(l));
  return lines.join('; ') || output;
}

/** The config with every `<name>_file: path` replaced by `<name>: <placeholder URL>`. */
function withInlineField(node: unknown, fileField: string): unknown {
  if (Array.isArray(node)) return node.map((x) => withInlineField(x, fileField));
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) =>
    (k === fileField ? [fileField.replace(/_file$/, ''), 'https://placeholder.invalid/'] : [k, withInlineField(v, fileField)])));
}

/** Runs promtool and amtool over the objects; tools that are missing are the caller's to report. */
export function checkWithPrometheusTools(objects: Source[], tools: { promtool: boolean; amtool: boolean }): { findings: ToolFinding[]; rules: number; alertmanagers: number } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-check-'));
  const findings: ToolFinding[] = [];
  try {
    const rules = objects.filter((o) => o.obj?.kind === 'PrometheusRule');
    if (tools.promtool && rules.length > 0) {
      const files = rules.map((r, i) => {
        const f = path.join(work, `rule-${i}.yaml`);
        fs.writeFileSync(f, yaml.dump({ groups: r.obj.spec?.groups ?? [] }));
        return f;
      });
      // One run for all; only when it fails, one run per file to say which object is wrong.
      if (!runTool('promtool', ['check', 'rules', ...files]).ok) {
        rules.forEach((r, i) => {
          const res = runTool('promtool', ['check', 'rules', files[i]]);
          if (!res.ok) findings.push({ tool: 'promtool', severity: 'error', object: objectName(r.obj), file: r.file, problem: problemOf(res.output, files[i]) });
        });
      }
    }
    const configs = alertmanagerConfigs(objects);
    if (tools.amtool) {
      configs.forEach((c, i) => {
        const f = path.join(work, `alertmanager-${i}.yaml`);
        // Debian's amtool 0.25 predates some `*_file` fields the pinned Alertmanager reads (webhook
        // url_file). For such a field, check the rest of the config with the inline field in its
        // place (a placeholder URL), and say so as a warning.
        let config = c.config;
        const replaced: string[] = [];
        for (;;) {
          fs.writeFileSync(f, yaml.dump(config));
          const res = runTool('amtool', ['check-config', f]);
          const unknownField = /field (\S+_file) not found in type/.exec(res.output)?.[1];
          if (!res.ok && unknownField && !replaced.includes(unknownField)) {
            replaced.push(unknownField);
            config = withInlineField(config, unknownField);
            continue;
          }
          if (!res.ok) findings.push({ tool: 'amtool', severity: 'error', object: objectName(c.obj), file: c.file, problem: problemOf(res.output, f) });
          else if (replaced.length) findings.push({ tool: 'amtool', severity: 'warning', object: objectName(c.obj), file: c.file, problem: `${amtoolVersion()} does not know ${replaced.join(', ')} (newer Alertmanager): checked the rest, with a placeholder ${replaced.map((r) => r.replace(/_file$/, '')).join(', ')} in its place` });
          break;
        }
      });
    }
    return { findings, rules: rules.length, alertmanagers: configs.length };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
