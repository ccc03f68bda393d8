/**
 * Alertmanager routing from platform.yaml receivers. Credentials are never inline: each receiver
 * reads its webhook URL or key from a file that Alertmanager mounts from the Secret an
 * ExternalSecret syncs from the vault.
 */
import { EnvironmentNames, ReceiverConfig } from '../../config';

/** The Secret holding every receiver's credential, one key per receiver; mounted by Alertmanager. */
export const ALERTMANAGER_RECEIVERS_SECRET = 'alertmanager-receivers';
const secretFile = (r: ReceiverConfig) => `/etc/alertmanager/secrets/${ALERTMANAGER_RECEIVERS_SECRET}/${r.name}`;

function receiverConfig(r: ReceiverConfig, env: string): Record<string, unknown> {
  const title = `[${env}] {{ .CommonLabels.alertname }}`;
  switch (r.type) {
    case 'slack':
      return { name: r.name, slack_configs: [{ api_url_file: secretFile(r), channel: r.target, send_resolved: true, title }] };
    case 'pagerduty':
      return { name: r.name, pagerduty_configs: [{ routing_key_file: secretFile(r), send_resolved: true }] };
    case 'opsgenie':
      return { name: r.name, opsgenie_configs: [{ api_key_file: secretFile(r), send_resolved: true }] };
    case 'email':
      return { name: r.name, email_configs: [{ to: r.target, from: r.from, smarthost: r.smarthost, auth_username: r.from, auth_password_file: secretFile(r), send_resolved: true }] };
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: secretFile(r), send_resolved: true }] };
  }
}

/** Label every alerting rule of a team must carry (its value: the team name); admission enforces it. */
export const TEAM_ALERT_LABEL = 'team';

/** The receivers of this environment: the platform's, and those of the teams deployed here. */
export function environmentReceivers(names: EnvironmentNames): ReceiverConfig[] {
  const teams = new Set(names.teams.map((t) => t.name));
  return names.platform.alerting.receivers.filter((r) => r.team === undefined || teams.has(r.team));
}

/**
 * Team alerts first, and they stop there: an alert with a `team` label goes to that team's
 * receivers only when its namespace (which Prometheus forces to the rule's own, see
 * enforcedNamespaceLabel) is the team's; anything else with a `team` label is dropped, so a team
 * rule can never reach the platform's pager, nor another team's.
 */
function teamRoute(names: EnvironmentNames): Record<string, unknown> {
  return {
    receiver: 'null',
    matchers: [`${TEAM_ALERT_LABEL}=~".+"`],
    continue: false,
    routes: names.teams.flatMap((t) => environmentReceivers(names).filter((r) => r.team === t.name).map((r) => ({
      receiver: r.name,
      matchers: [`${TEAM_ALERT_LABEL}="${t.name}"`, `namespace="${names.teamNamespace(t)}"`, `severity=~"${r.severities.join('|')}"`],
      continue: true,
    }))),
  };
}

export function alertmanagerConfig(names: EnvironmentNames): Record<string, unknown> {
  const all = environmentReceivers(names);
  const receivers = all.filter((r) => r.team === undefined);
  const fallback = receivers.find((r) => r.severities.includes('warning')) ?? receivers[0];
  return {
    route: {
      receiver: fallback.name,
      group_by: ['alertname', 'namespace'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        // kube-prometheus-stack's always-firing heartbeat and inhibitor are not for people.
        { receiver: 'null', matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        teamRoute(names),
        ...receivers.map((r) => ({ receiver: r.name, matchers: [`severity=~"${r.severities.join('|')}"`], continue: true })),
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'namespace'] },
      { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ['alertname', 'namespace'] },
    ],
    receivers: [{ name: 'null' }, ...all.map((r) => receiverConfig(r, names.env))],
  };
}
