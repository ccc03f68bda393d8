/**
 * `promtool test rules` for a set of alert groups and their firing/healthy cases (the format of
 * test/fixtures/alert-cases.ts), so every alert file is tested the same way.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { AlertGroup } from '../../charts/monitoring';
import { AlertCase } from '../fixtures/alert-cases';

export const havePromtool = (() => { try { execFileSync('promtool', ['--version'], { stdio: 'pipe' }); return true; } catch { return false; } })();
if (!havePromtool) {
  if (process.env.CI) throw new Error('promtool is required in CI (Debian package prometheus)');
  console.warn('SKIPPED promtool checks: apt-get install prometheus');
}

/** Runs promtool on the groups (check, then unit tests of every case); returns its output or throws with it. */
export function promtoolTestRules(groups: AlertGroup[], cases: AlertCase[]): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'promtool-'));
  const rules = groups.flatMap((g) => g.rules);
  fs.writeFileSync(path.join(work, 'rules.yaml'), yaml.dump({ groups }));
  const expand = (text: string, labels: Record<string, string>) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, k) => labels[k] ?? '');
  const series = (s: Record<string, string>) => Object.entries(s).map(([name, values]) => ({ series: name, values }));
  const tests = cases.flatMap((c) => {
    const rule = rules.find((r) => r.alert === c.alert);
    if (!rule) throw new Error(`no rule ${c.alert}`);
    return [
      { name: `${c.alert} fires`, interval: '1m', input_series: series(c.firing.series), alert_rule_test: [{
        eval_time: c.eval, alertname: c.alert,
        exp_alerts: [{ exp_labels: { ...c.firing.labels, severity: rule.labels.severity },
          exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, c.firing.labels)])) }],
      }] },
      { name: `${c.alert} stays silent when healthy`, interval: '1m', input_series: series(c.healthy), alert_rule_test: [{ eval_time: c.eval, alertname: c.alert, exp_alerts: [] }] },
    ];
  });
  fs.writeFileSync(path.join(work, 'rules.test.yaml'), yaml.dump({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
  try {
    execFileSync('promtool', ['check', 'rules', 'rules.yaml'], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
    return execFileSync('promtool', ['test', 'rules', 'rules.test.yaml'], { cwd: work, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    throw new Error(`promtool failed:\n${(e as any).stdout}${(e as any).stderr}`);
  }
}
