import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentNames } from '../../config';
import { PlatformAccess, TeamAccess } from './access';
import { TeamNamespace } from './team-namespace';

export * from './access';
export * from './team-namespace';

/** Teams, their namespaces and who may do what in them. */
export class TenancyChart extends Chart {
  constructor(scope: Construct, id: string, props: { names: EnvironmentNames }) {
    super(scope, id, { disableResourceNameHashes: true });
    const { names } = props;
    new PlatformAccess(this, 'platform-access', { names });
    for (const team of names.teams) {
      const ns = new TeamNamespace(this, `team-${team.name}`, { names, team });
      new TeamAccess(this, `access-${team.name}`, { names, team, namespace: ns.namespace });
    }
  }
}
