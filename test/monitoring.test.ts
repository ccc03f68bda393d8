/**
 * Alert rules and Alertmanager config checked by the real tools (promtool, amtool), plus the
 * properties of the monitoring stack people rely on.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { PLATFORM_ALERT_GROUPS } from '../charts/monitoring';
import { ALERT_CASES } from './fixtures/alert-cases';
import { exampleEnvironment, helmValues, named, ofKind, synthesizeObjects, variantEnvironment } from './harness/platform';

const haveTool = (tool: string) => { try { execFileSync(tool, ['--version'], { stdio: 'pipe' }); return true; } catch { return false; } };
const tools = haveTool('promtool') && haveTool('amtool');
if (!tools) {
  if (process.env.CI) throw new Error('promtool and amtool are required in CI (Debian packages prometheus, prometheus-alertmanager)');
  console.warn('SKIPPED promtool/amtool checks: apt-get install prometheus prometheus-alertmanager');
}
const withTools = tools ? describe : describe.skip;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'));
const run = (tool: string, args: string[], cwd = work) => execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: 'pipe' });

describe.each(['dev', 'prod'])('monitoring in %s', (env) => {
  const names = exampleEnvironment(env);
  const objects = synthesizeObjects(names);
  const kps = helmValues(objects, 'kube-prometheus-stack');

  withTools('checked by promtool and amtool', () => {
    it('passes `promtool check rules` for every PrometheusRule in dist', () => {
      const rules = ofKind(objects, 'PrometheusRule');
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        const file = path.join(work, `${env}-${rule.metadata.name}.rules.yaml`);
        fs.writeFileSync(file, yaml.dump({ groups: rule.spec.groups }));
        expect(run('promtool', ['check', 'rules', file])).toContain('SUCCESS');
      }
    });

    it('passes `amtool check-config` for the rendered Alertmanager config', () => {
      const file = path.join(work, `${env}-alertmanager.yaml`);
      fs.writeFileSync(file, yaml.dump(kps.alertmanager.config));
      expect(run('amtool', ['check-config', file])).toContain('SUCCESS');
    });
  });

  it('alerts on certificate expiry and node memory overcommit', () => {
    const alerts = ofKind(objects, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => x.alert)));
    expect(alerts).toEqual(expect.arrayContaining(['CertificateExpiringSoon', 'CertificateExpired', 'NodeMemoryRequestsOvercommitted', 'NodeMemoryPressure']));
  });

  it('gives every alert a severity and a runbook', () => {
    for (const r of PLATFORM_ALERT_GROUPS.flatMap((g) => g.rules)) {
      expect(['critical', 'warning', 'info']).toContain(r.labels.severity);
      expect(r.annotations.runbook_url).toMatch(/^https:\/\//);
    }
  });

  it('switches off the control-plane rules that always fire falsely on EKS', () => {
    expect(kps.defaultRules.rules).toMatchObject({ etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false });
    expect(kps.kubeEtcd.enabled).toBe(false);
    expect(kps.kubeScheduler.enabled).toBe(false);
    expect(kps.kubeControllerManager.enabled).toBe(false);
  });

  it('sizes Prometheus retention and storage per environment', () => {
    const spec = kps.prometheus.prometheusSpec;
    expect(spec.retention).toBe(names.environment.monitoring.retention);
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe(names.environment.monitoring.storage);
  });

  it('routes alerts to receivers by severity and reads their credentials from mounted files, never inline', () => {
    const config = kps.alertmanager.config;
    expect(config.route.routes).toEqual(expect.arrayContaining([
      expect.objectContaining({ receiver: 'pager', matchers: ['severity=~"critical"'] }),
      expect.objectContaining({ receiver: 'platform-chat', matchers: ['severity=~"warning"'] }),
    ]));
    const pager = config.receivers.find((r: any) => r.name === 'pager');
    expect(pager.pagerduty_configs[0]).toEqual({ routing_key_file: '/etc/alertmanager/secrets/alertmanager-receivers/pager', send_resolved: true });
    expect(JSON.stringify(config)).not.toMatch(/hooks\.slack\.com|routing_key"|api_url"/);
    expect(kps.alertmanager.alertmanagerSpec.secrets).toEqual(['alertmanager-receivers']);
    const secret = named(objects, 'ExternalSecret', 'alertmanager-receivers');
    expect(secret.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual([
      ['pager', `acme/${env}/platform/alerting/pagerduty-routing-key`], ['platform-chat', `acme/${env}/platform/alerting/slack-webhook`],
      ['payments-chat', `acme/${env}/platform/alerting/payments-slack-webhook`]]);
  });

  it('signs people in to Grafana with the IdP and maps groups to roles', () => {
    const ini = kps.grafana['grafana.ini'];
    expect(ini.auth.disable_login_form).toBe(true);
    expect(ini['auth.generic_oauth']).toMatchObject({ enabled: true, client_id: 'kubernetes', auth_url: 'https://sso.acme.example/realms/acme/protocol/openid-connect/auth' });
    expect(ini['auth.generic_oauth'].client_secret).toBe('$__file{/etc/secrets/grafana-oidc/clientSecret}');
    expect(ini['auth.generic_oauth'].role_attribute_path).toBe("(contains(groups[*], 'platform-admins')) && 'Admin' || "
      + (env === 'dev' ? "(contains(groups[*], 'payments-developers') || contains(groups[*], 'search-developers'))" : "(contains(groups[*], 'payments-developers'))")
      + " && 'Editor' || (contains(groups[*], 'engineering')) && 'Viewer' || ''");
    expect(ini['auth.generic_oauth'].role_attribute_strict).toBe(true);
    expect(ini['auth.generic_oauth'].allowed_groups.split(' ')).toEqual([...new Set(names.engineerGroups)]);
    expect(ini['auth.basic'].enabled).toBe(false);
    expect(kps.grafana.admin.existingSecret).toBe('grafana-admin');
    expect(kps.grafana.ingress.tls).toEqual([{ secretName: 'grafana-tls', hosts: [`grafana.${names.environment.domain}`] }]);
  });

  it('ships dashboards as code for capacity, ingress, certificates, Argo CD and logging', () => {
    const dashboards = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual(['dashboard-platform-argocd', 'dashboard-platform-capacity', 'dashboard-platform-certificates', 'dashboard-platform-ingress', 'dashboard-platform-logging']);
    for (const d of dashboards) expect(JSON.parse(Object.values<string>(d.data)[0]).panels.length).toBeGreaterThan(0);
  });

  it('scrapes any Service in any namespace that carries the platform metrics label', () => {
    const sm = named(objects, 'ServiceMonitor', 'labelled-services');
    expect(sm.spec).toEqual({ namespaceSelector: { any: true }, selector: { matchLabels: { 'k8s-platform.io/scrape': 'true' } }, endpoints: [{ port: 'metrics', interval: '30s', honorLabels: false }] });
    expect(kps.prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues).toBe(false);
  });
});

it('uses the Azure AD endpoints when the IdP is Azure AD', () => {
  const names = variantEnvironment('dev', (d) => { d.identity.provider = 'azure-ad'; d.identity.issuerURL = 'https://login.microsoftonline.com/tenant-id/v2.0'; });
  const kps = helmValues(synthesizeObjects(names), 'kube-prometheus-stack');
  expect(kps.grafana['grafana.ini']['auth.generic_oauth'].token_url).toBe('https://login.microsoftonline.com/tenant-id/oauth2/v2.0/token');
});

withTools('promtool unit tests of every platform alert', () => {
  const rules = PLATFORM_ALERT_GROUPS.flatMap((g) => g.rules);

  it('has a firing and a healthy case for every alert', () => {
    expect(ALERT_CASES.map((c) => c.alert).sort()).toEqual(rules.map((r) => r.alert).sort());
  });

  it('fires each alert on its synthetic series and stays silent on healthy ones (`promtool test rules`)', () => {
    fs.writeFileSync(path.join(work, 'platform.rules.yaml'), yaml.dump({ groups: PLATFORM_ALERT_GROUPS }));
    const expand = (text: string, labels: Record<string, string>) => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, k) => labels[k] ?? '');
    const tests = ALERT_CASES.flatMap((c) => {
      const rule = rules.find((r) => r.alert === c.alert)!;
      const series = (s: Record<string, string>) => Object.entries(s).map(([name, values]) => ({ series: name, values }));
      return [
        { name: `${c.alert} fires`, interval: '1m', input_series: series(c.firing.series), alert_rule_test: [{
          eval_time: c.eval, alertname: c.alert,
          exp_alerts: [{ exp_labels: { ...c.firing.labels, severity: rule.labels.severity },
            exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, c.firing.labels)])) }],
        }] },
        { name: `${c.alert} stays silent when healthy`, interval: '1m', input_series: series(c.healthy), alert_rule_test: [{ eval_time: c.eval, alertname: c.alert, exp_alerts: [] }] },
      ];
    });
    fs.writeFileSync(path.join(work, 'platform.test.yaml'), yaml.dump({ rule_files: ['platform.rules.yaml'], evaluation_interval: '1m', tests }));
    let output = '';
    try {
      output = run('promtool', ['test', 'rules', 'platform.test.yaml']);
    } catch (e) {
      throw new Error(`promtool test rules failed:\n${(e as any).stdout}${(e as any).stderr}`);
    }
    expect(output).toContain('SUCCESS');
  });
});
