/**
 * The Prometheus project's own checkers over what the platform emits: `promtool check rules` on
 * every PrometheusRule (handed `{groups: spec.groups}`, the rule-file shape promtool reads) and
 * `amtool check-config` on every Alertmanager config (kube-prometheus-stack's
 * `alertmanager.config` in an Argo CD Application's Helm values, or an `alertmanager.yaml` key of
 * a Secret). Both tools come from Debian's prometheus and prometheus-alertmanager packages.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { objectName } from './readiness';

export interface ToolFinding {
  readonly tool: 'promtool' | 'amtool';
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

/** Every Alertmanager config in a set of objects, with the object it came from. */
export function alertmanagerConfigs(objects: Source[]): Array<Source & { config: unknown }> {
  return objects.flatMap(({ obj, file }) => {
    if (obj?.kind === 'Application') {
      const sources = [obj.spec?.source, ...(obj.spec?.sources ?? [])].filter(Boolean);
      return sources.map((s: any) => s.helm?.valuesObject?.alertmanager?.config).filter(Boolean).map((config: unknown) => ({ obj, file, config }));
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
          if (!res.ok) findings.push({ tool: 'promtool', object: objectName(r.obj), file: r.file, problem: problemOf(res.output, files[i]) });
        });
      }
    }
    const configs = alertmanagerConfigs(objects);
    if (tools.amtool) {
      configs.forEach((c, i) => {
        const f = path.join(work, `alertmanager-${i}.yaml`);
        fs.writeFileSync(f, yaml.dump(c.config));
        const res = runTool('amtool', ['check-config', f]);
        if (!res.ok) findings.push({ tool: 'amtool', object: objectName(c.obj), file: c.file, problem: problemOf(res.output, f) });
      });
    }
    return { findings, rules: rules.length, alertmanagers: configs.length };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
