import { Construct } from 'constructs';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { PlatformAccess, TeamAccess } from './access';
import { TeamNamespace } from './team-namespace';
import { DefaultStorageClass } from './storage-class';
import { TeamGuardrails, TenantAdmissionPolicies } from './admission-policies';
import { PrivilegedNamespaces } from './privileged-namespaces';

export * from './access';
export * from './team-namespace';
export * from './admission-policies';
export * from './privileged-namespaces';

/** Teams, their namespaces and who may do what in them. */
export class TenancyChart extends PlatformChart {
  readonly wave = SYNC_WAVE.namespaces;

  constructor(scope: Construct, id: string, props: PlatformChartProps) {
    super(scope, id, props);
    const { names } = this;
    new PlatformAccess(this, 'platform-access', { names });
    new DefaultStorageClass(this, 'storage');
    new TenantAdmissionPolicies(this, 'admission', { names });
    new PrivilegedNamespaces(this, 'privileged-namespaces', { names });
    for (const team of names.teams) {
      const ns = new TeamNamespace(this, `team-${team.name}`, { names, team });
      new TeamAccess(this, `access-${team.name}`, { names, team, namespace: ns.namespace });
      new TeamGuardrails(this, `guardrails-${team.name}`, { names, team, namespace: ns.namespace });
    }
  }
}
