/**
 * External Secrets Operator and its stores: one ClusterSecretStore that only platform namespaces
 * may use, and one SecretStore per team that can reach nothing but the team's own prefix.
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { EnvironmentNames, HELM_CHARTS, PLATFORM_NAMESPACES, TeamConfig } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { PLATFORM_SECRET_STORE, TEAM_SECRET_STORE } from '../lib/platform-secret';

/** The backend-specific provider block of a store. `team` narrows it to the team's prefix. */
export function secretStoreProvider(names: EnvironmentNames, team?: TeamConfig): Record<string, unknown> {
  const cfg = names.platform.secrets;
  const eso = { name: 'external-secrets', namespace: PLATFORM_NAMESPACES.externalSecrets };
  switch (cfg.backend) {
    case 'vault':
      // One KV v2 mount per prefix, so a team's keys stay relative to its prefix as with AWS (ESO
      // drops a leading mount path from a key, so the platform's full keys work too). Vault's
      // policy for each role grants its own mount only; see README.
      return { vault: {
        server: cfg.vaultServer!,
        path: names.vaultMount(team),
        version: 'v2',
        auth: { kubernetes: { mountPath: names.vaultAuthMount, role: names.vaultRole(team), serviceAccountRef: team ? { name: 'default' } : eso } },
      } };
    default:
      return { aws: {
        service: 'SecretsManager',
        region: names.platform.aws.region,
        // A team store assumes the team's role, whose policy reads only the team's prefix.
        ...(team ? { role: names.roleArn(names.teamSecretsRoleName(team)), prefix: names.teamSecretPrefix(team) } : {}),
      } };
  }
}

export class SecretsChart extends PlatformChart {
  // Before every folder with ExternalSecrets (wave 0): their stores must exist first (test/bootstrap-order.test.ts).
  readonly wave = SYNC_WAVE.controllers;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    this.addRelease({
      name: 'external-secrets',
      namespace: PLATFORM_NAMESPACES.externalSecrets,
      chart: HELM_CHARTS.externalSecrets,
      wave: SYNC_WAVE.operators,
      podSecurity: 'restricted',
      serverSideApply: true,
      values: {
        installCRDs: true,
        replicaCount: names.environment.production ? 2 : 1,
        // Two controllers without a leader would both reconcile every ExternalSecret and race.
        leaderElect: true,
        podDisruptionBudget: { enabled: names.environment.production, minAvailable: 1 },
        // Every ExternalSecret and store write passes the webhook: one pod must not gate them all.
        webhook: { replicaCount: names.environment.production ? 2 : 1, podDisruptionBudget: { enabled: names.environment.production, minAvailable: 1 } },
        certController: { replicaCount: names.environment.production ? 2 : 1, podDisruptionBudget: { enabled: names.environment.production, minAvailable: 1 } },
        // The service account name is part of the contract with infra (Pod Identity association).
        serviceAccount: { create: true, name: 'external-secrets' },
        serviceMonitor: { enabled: true },
      },
    });

    // Provider blocks differ per backend, so these are written as their YAML and schema-checked in tests.
    new ApiObject(this, 'platform-store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: PLATFORM_SECRET_STORE },
      spec: {
        provider: secretStoreProvider(names),
        // Team namespaces must not borrow the platform's access.
        conditions: [{ namespaces: Object.values(PLATFORM_NAMESPACES).sort() }],
      },
    });

    for (const team of names.teams) {
      new ApiObject(this, `team-${team.name}`, {
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        metadata: { name: TEAM_SECRET_STORE, namespace: names.teamNamespace(team) },
        spec: { provider: secretStoreProvider(names, team) },
      });
    }
  }
}
