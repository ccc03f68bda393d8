/**
 * Alert rules and Alertmanager config checked by the real tools (promtool, amtool), plus the
 * properties of the monitoring stack people rely on.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { grafanaRoleMapping, oidcEndpoints, PLATFORM_ALERT_GROUPS } from '../charts/monitoring';
import { ALERT_CASES } from './fixtures/alert-cases';
import { promtoolTestRules } from './harness/promtool';
import { helmValues, named, ofKind, synthesizeObjects, variantEnvironment } from './harness/platform';
import { FixtureEnvironment, fixtureEnvironments, objectsOf } from './harness/fixtures';

const haveTool = (tool: string) => { try { execFileSync(tool, ['--version'], { stdio: 'pipe' }); return true; } catch { return false; } };
const tools = haveTool('promtool') && haveTool('amtool');
if (!tools) {
  if (process.env.CI) throw new Error('promtool and amtool are required in CI (Debian packages prometheus, prometheus-alertmanager)');
  console.warn('SKIPPED promtool/amtool checks: apt-get install prometheus prometheus-alertmanager');
}
const withTools = tools ? describe : describe.skip;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'));
const run = (tool: string, args: string[], cwd = work) => execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: 'pipe' });

describe.each(fixtureEnvironments())('monitoring in $label', (fixtureEnv: FixtureEnvironment) => {
  const { names } = fixtureEnv;
  const env = fixtureEnv.label.replace('/', '-');
  const objects = objectsOf(fixtureEnv);
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
      // Debian's amtool 0.25 predates webhook `url_file` (Alertmanager 0.26; the pinned chart runs a
      // newer one): it checks the webhook with a stand-in url, everything else exactly as rendered.
      const config = JSON.parse(JSON.stringify(kps.alertmanager.config));
      for (const r of config.receivers) for (const w of r.webhook_configs ?? []) { expect(w.url_file).toMatch(/^\/etc\/alertmanager\/secrets\//); delete w.url_file; w.url = 'https://webhook.invalid/'; }
      fs.writeFileSync(file, yaml.dump(config));
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
    const receivers = names.platform.alerting.receivers.filter((r) => !r.team || names.teams.some((t) => t.name === r.team));
    // Platform receivers by severity at the top; team receivers (alerting.receivers[].team) only under the team route.
    expect(config.route.routes).toEqual(expect.arrayContaining(receivers.filter((r) => !r.team).map((r) =>
      expect.objectContaining({ receiver: r.name, matchers: [`severity=~"${r.severities.join('|')}"`] }))));
    for (const r of receivers) {
      const [settings] = Object.values<any[]>(config.receivers.find((x: any) => x.name === r.name)).filter(Array.isArray).flat();
      const fileKeys = Object.keys(settings).filter((k) => k.endsWith('_file'));
      expect(fileKeys).toHaveLength(1);
      expect(settings[fileKeys[0]]).toBe(`/etc/alertmanager/secrets/alertmanager-receivers/${r.name}`);
    }
    expect(JSON.stringify(config)).not.toMatch(/hooks\.slack\.com|routing_key"|api_url"|api_key"|"url"/);
    expect(kps.alertmanager.alertmanagerSpec.secrets).toEqual(['alertmanager-receivers']);
    const secret = named(objects, 'ExternalSecret', 'alertmanager-receivers');
    expect(secret.spec.data.map((d: any) => [d.secretKey, d.remoteRef.key])).toEqual(receivers.map((r) => [r.name, names.platformSecret(r.secret)]));
  });

  it('signs people in to Grafana with the IdP and maps groups to roles', () => {
    const ini = kps.grafana['grafana.ini'];
    const idp = names.platform.identity;
    expect(ini.auth.disable_login_form).toBe(true);
    expect(ini['auth.generic_oauth']).toMatchObject({ enabled: true, client_id: idp.clients.grafana, ...oidcEndpoints(names) });
    expect(idp.clients.grafana).not.toBe(idp.clients.kubernetes);
    expect(ini['auth.generic_oauth'].client_secret).toBe('$__file{/etc/secrets/grafana-oidc/clientSecret}');
    expect(ini['auth.generic_oauth'].role_attribute_path).toBe(grafanaRoleMapping(names));
    // Only the platform's groups get in; basic auth (the admin password) is off.
    expect(ini['auth.generic_oauth'].role_attribute_strict).toBe(true);
    expect(ini['auth.generic_oauth'].allowed_groups.split(' ')).toEqual([...new Set(names.engineerGroups)]);
    expect(ini['auth.basic'].enabled).toBe(false);
    expect(kps.grafana.admin.existingSecret).toBe('grafana-admin');
    expect(kps.grafana.ingress).toEqual({ enabled: false });
    expect(named(objects, 'HTTPRoute', 'grafana').spec.hostnames).toEqual([names.hostname('grafana')]);
  });

  it('makes admins Grafana Admins, this environment\'s team developers Editors, viewers Viewers, and gives no role to anyone else', () => {
    const mapping = grafanaRoleMapping(names);
    const claim = names.platform.identity.groupsClaim;
    for (const g of names.platform.identity.adminGroups) expect(mapping).toContain(`contains(${claim}[*], '${g}')`);
    for (const t of names.platform.teams) {
      const here = names.teams.includes(t);
      for (const g of t.groups) expect({ team: t.name, editor: mapping.includes(`'${g}'`) }).toEqual({ team: t.name, editor: here });
    }
    for (const g of names.platform.identity.viewerGroups) expect(mapping).toContain(`contains(${claim}[*], '${g}')) && 'Viewer'`);
    expect(mapping.endsWith("''")).toBe(true);
  });

  it('ships dashboards as code for capacity, gateway traffic, certificates, Argo CD and logging', () => {
    const dashboards = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.map((d) => d.metadata.name).sort()).toEqual(['dashboard-platform-argocd', 'dashboard-platform-capacity', 'dashboard-platform-certificates', 'dashboard-platform-gateway', 'dashboard-platform-logging']);
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
    expect(promtoolTestRules(PLATFORM_ALERT_GROUPS, ALERT_CASES)).toContain('SUCCESS');
  });
});
