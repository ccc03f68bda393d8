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
      return { name: r.name, email_configs: [{ to: r.target, auth_password_file: secretFile(r), send_resolved: true }] };
    case 'webhook':
      return { name: r.name, webhook_configs: [{ url_file: secretFile(r), send_resolved: true }] };
  }
}

export function alertmanagerConfig(names: EnvironmentNames): Record<string, unknown> {
  const receivers = names.platform.alerting.receivers;
  const fallback = receivers.find((r) => r.severities.includes('warning')) ?? receivers[0];
  const smtp = names.platform.alerting.smtp;
  return {
    // E-mail receivers need the relay; the schema refuses an email receiver without one.
    ...(smtp ? { global: { smtp_smarthost: smtp.smarthost, smtp_from: smtp.from, smtp_require_tls: true, ...(smtp.username ? { smtp_auth_username: smtp.username } : {}) } } : {}),
    route: {
      receiver: fallback.name,
      group_by: ['alertname', 'namespace'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        // kube-prometheus-stack's always-firing heartbeat and inhibitor are not for people.
        { receiver: 'null', matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        ...receivers.map((r) => ({ receiver: r.name, matchers: [`severity=~"${r.severities.join('|')}"`], continue: true })),
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'namespace'] },
      { source_matchers: ['severity="warning"'], target_matchers: ['severity="info"'], equal: ['alertname', 'namespace'] },
    ],
    receivers: [{ name: 'null' }, ...receivers.map((r) => receiverConfig(r, names.env))],
  };
}
