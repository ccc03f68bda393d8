/**
 * Metrics and alerting for platform and apps with no developer effort: kube-prometheus-stack with
 * the platform's alert rules, routing to the configured receivers, Grafana behind SSO with
 * dashboards as code, and automatic scraping of any labelled Service in any namespace.
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { ServiceMonitor } from '../../imports/servicemonitor-monitoring.coreos.com';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { LABELS } from '../lib/labels';
import { PlatformSecret } from '../lib/platform-secret';
import { ALERTMANAGER_RECEIVERS_SECRET, alertmanagerConfig, environmentReceivers } from './alertmanager-config';
import { platformAlertGroups } from './alert-rules';
import { PlatformDashboards } from './dashboards';
import { prometheusOperatorCrdsRelease } from './operator-crds';
import { PlatformUiRoute } from '../sso';

export * from './alert-rules';
export * from './alertmanager-config';
export * from './dashboards';

export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';
export const GRAFANA_OIDC_SECRET = 'grafana-oidc';
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
/** Port name a labelled Service must expose for automatic scraping. */
export const METRICS_PORT_NAME = 'metrics';

/** Authorization, token and userinfo endpoints of the IdP, for Grafana's generic OAuth. */
export function oidcEndpoints(names: EnvironmentNames): { auth_url: string; token_url: string; api_url: string } {
  const { provider, issuerURL } = names.platform.identity;
  if (provider === 'azure-ad') {
    const base = issuerURL.replace(/\/v2\.0\/?$/, '');
    return { auth_url: `${base}/oauth2/v2.0/authorize`, token_url: `${base}/oauth2/v2.0/token`, api_url: 'https://graph.microsoft.com/oidc/userinfo' };
  }
  if (provider === 'cognito') {
    const domain = names.platform.identity.hostedUiDomain!;
    return { auth_url: `https://${domain}/oauth2/authorize`, token_url: `https://${domain}/oauth2/token`, api_url: `https://${domain}/oauth2/userInfo` };
  }
  return { auth_url: `${issuerURL}/protocol/openid-connect/auth`, token_url: `${issuerURL}/protocol/openid-connect/token`, api_url: `${issuerURL}/protocol/openid-connect/userinfo` };
}

/**
 * JMESPath that maps IdP groups to Grafana roles: admins Admin, team developers Editor, viewers
 * Viewer, anyone else no role at all (with role_attribute_strict, refused).
 */
export function grafanaRoleMapping(names: EnvironmentNames): string {
  const claim = names.platform.identity.groupsClaim;
  const has = (g: string) => `contains(${claim}[*], '${g}')`;
  const admins = names.platform.identity.adminGroups.map(has).join(' || ');
  const editors = names.teams.flatMap((t) => t.groups).map(has).join(' || ');
  const viewers = names.platform.identity.viewerGroups.map(has).join(' || ');
  return `(${admins}) && 'Admin' || ${editors ? `(${editors}) && 'Editor' || ` : ''}${viewers ? `(${viewers}) && 'Viewer' || ` : ''}''`;
}

/** Monitors and rules of the platform namespaces keep their own namespace labels (they watch other namespaces). */
export function platformMonitoringObjects(): Array<{ group: string; resource: string; namespace: string }> {
  const resources = ['prometheusrules', 'servicemonitors', 'podmonitors', 'probes', 'scrapeconfigs'];
  return [...Object.values(PLATFORM_NAMESPACES), 'kube-system'].sort()
    .flatMap((namespace) => resources.map((resource) => ({ group: 'monitoring.coreos.com', resource, namespace })));
}

export class MonitoringChart extends PlatformChart {
  readonly wave = SYNC_WAVE.platformResources;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    const env = names.environment;
    const prod = env.production;
    const ns = PLATFORM_NAMESPACES.monitoring;
    const grafanaHost = names.hostname('grafana');
    const idp = names.platform.identity;

    this.addRelease(prometheusOperatorCrdsRelease());
    this.addRelease({
      name: 'kube-prometheus-stack',
      namespace: ns,
      chart: HELM_CHARTS.kubePrometheusStack,
      wave: SYNC_WAVE.operators,
      // node-exporter, which needs the host, runs in its own privileged namespace (created with the team namespaces).
      podSecurity: 'restricted',
      serverSideApply: true,
      values: {
        crds: { enabled: false }, // prometheus-operator-crds, a wave earlier (operator-crds.ts)
        'prometheus-node-exporter': { namespaceOverride: PLATFORM_NAMESPACES.nodeExporter },
        // EKS runs etcd, the scheduler and the controller manager out of reach: their rules only ever fire falsely.
        defaultRules: { rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false, windows: false } },
        kubeEtcd: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeControllerManager: { enabled: false },
        kubeProxy: { enabled: false },
        // In production the PrometheusRule webhook runs as its own two replicas, not inside the single operator.
        prometheusOperator: { admissionWebhooks: { deployment: { enabled: prod, replicas: prod ? 2 : 1, podDisruptionBudget: { enabled: prod } } } },
        prometheus: {
          prometheusSpec: {
            replicas: prod ? 2 : 1,
            retention: env.monitoring.retention,
            externalLabels: { cluster: names.clusterName, environment: names.env },
            // Select every ServiceMonitor, PodMonitor and rule in the cluster, not just the chart's own.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
            // A ServiceMonitor must not make Prometheus read its own files (bearerTokenFile: its
            // service account token) and send them to a team's pod.
            arbitraryFSAccessThroughSMs: { deny: true },
            // Every series and alert from a team's monitors and rules carries the team's namespace,
            // whatever the rule says; Alertmanager routes team alerts by it.
            enforcedNamespaceLabel: 'namespace',
            excludedFromEnforcement: platformMonitoringObjects(),
            storageSpec: { volumeClaimTemplate: { spec: { storageClassName: 'gp3', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: env.monitoring.storage } } } } },
            resources: { requests: { cpu: prod ? '1' : '250m', memory: prod ? '4Gi' : '1Gi' } },
          },
          // Served by an HTTPRoute behind the gateway's SSO (below), not the chart's Ingress.
          ingress: { enabled: false },
        },
        alertmanager: {
          ingress: { enabled: false },
          config: alertmanagerConfig(names),
          alertmanagerSpec: {
            replicas: prod ? 3 : 1,
            secrets: [ALERTMANAGER_RECEIVERS_SECRET],
            storage: { volumeClaimTemplate: { spec: { storageClassName: 'gp3', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } } },
          },
        },
        grafana: {
          admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
          'grafana.ini': {
            server: { root_url: `https://${grafanaHost}` },
            // The IdP is the only way in: no login form, no basic auth (the admin password would
            // otherwise work over the internet), no anonymous access.
            auth: { disable_login_form: true },
            'auth.basic': { enabled: false },
            'auth.anonymous': { enabled: false },
            'auth.generic_oauth': {
              enabled: true,
              name: idp.provider,
              client_id: idp.clients.grafana, // its own audience, not the Kubernetes API's
              client_secret: `$__file{/etc/secrets/${GRAFANA_OIDC_SECRET}/clientSecret}`,
              scopes: 'openid profile email groups',
              ...oidcEndpoints(names),
              groups_attribute_path: `${idp.groupsClaim}[*]`,
              role_attribute_path: grafanaRoleMapping(names),
              // Only the platform's groups get in; someone the mapping gives no role is refused, not made Viewer.
              allowed_groups: [...new Set(names.engineerGroups)].join(' '),
              role_attribute_strict: true,
              allow_assign_grafana_admin: false,
              auto_login: true,
              use_pkce: true,
            },
            users: { auto_assign_org_role: 'Viewer' },
          },
          extraSecretMounts: [{ name: GRAFANA_OIDC_SECRET, secretName: GRAFANA_OIDC_SECRET, mountPath: `/etc/secrets/${GRAFANA_OIDC_SECRET}`, readOnly: true }],
          ingress: { enabled: false },
          // With basic auth off the sidecars cannot call Grafana's reload API (it signs in as admin):
          // Grafana polls the dashboard files itself, and datasources are written before it starts.
          sidecar: {
            // Dashboards only from the monitoring namespace, where the platform writes them: from every
            // namespace, a team's labelled ConfigMap would replace a platform dashboard of the same uid.
            dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL, labelValue: '1', searchNamespace: PLATFORM_NAMESPACES.monitoring, skipReload: true },
            // No Alertmanager datasource (the chart adds one by default): team developers are Grafana
            // Editors, and an Editor creates silences in an external Alertmanager from Grafana's
            // alerting pages, which would let any team silence the platform's alerts.
            datasources: { initDatasources: true, skipReload: true, alertmanager: { enabled: false } },
          },
        },
      },
    });

    // Plain ApiObject: the generated binding types `expr` as IntOrString and would mangle plain strings.
    new ApiObject(this, 'platform-alerts', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'platform-alerts', namespace: ns, labels: { [LABELS.partOf]: 'k8s-platform' } },
      spec: { groups: platformAlertGroups(names) },
    });

    // Apps get scraped by labelling their Service; no ServiceMonitor to write.
    new ServiceMonitor(this, 'labelled-services', {
      metadata: { name: 'labelled-services', namespace: ns },
      spec: {
        namespaceSelector: { any: true },
        selector: { matchLabels: { [LABELS.scrape]: 'true' } },
        endpoints: [{ port: METRICS_PORT_NAME, interval: '30s', honorLabels: false }],
      },
    });

    new PlatformDashboards(this, 'dashboards', { namespace: ns, label: GRAFANA_DASHBOARD_LABEL });

    // The UIs, through the gateway and its SSO. Every engineer may query metrics and open Grafana;
    // silencing alerts is an operator's act: admins and viewers (on-call), not every team.
    // Prometheus runs with --web.enable-lifecycle (prometheus-operator sets it for its reloader):
    // a POST to /-/quit stops it, so only admins send more than GET and HEAD.
    const release = 'kube-prometheus-stack';
    new PlatformUiRoute(this, 'grafana-route', { names, ui: 'grafana', service: { name: `${release}-grafana`, port: 80 }, groups: names.engineerGroups });
    new PlatformUiRoute(this, 'prometheus-route', { names, ui: 'prometheus', service: { name: `${release}-prometheus`, port: 9090 }, groups: idp.adminGroups, readOnlyGroups: names.engineerGroups });
    new PlatformUiRoute(this, 'alertmanager-route', { names, ui: 'alertmanager', service: { name: `${release}-alertmanager`, port: 9093 }, groups: [...idp.adminGroups, ...idp.viewerGroups] });

    new PlatformSecret(this, 'grafana-admin', {
      names, name: GRAFANA_ADMIN_SECRET, namespace: ns, key: 'grafana/admin',
      properties: { 'admin-user': 'username', 'admin-password': 'password' },
    });
    new PlatformSecret(this, 'grafana-oidc', {
      names, name: GRAFANA_OIDC_SECRET, namespace: ns, key: 'grafana/oidc', properties: { clientSecret: 'clientSecret' },
    });
    new PlatformSecret(this, 'alertmanager-receivers', {
      names, name: ALERTMANAGER_RECEIVERS_SECRET, namespace: ns,
      properties: Object.fromEntries(environmentReceivers(names).map((r) => [r.name, { key: r.secret }])),
    });
  }
}
