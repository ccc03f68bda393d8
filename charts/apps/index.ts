/**
 * A team's apps declared in platform.yaml, one folder per team (`apps-<team>`), synced by an
 * Application in the team's own AppProject: the team's fences apply to what the platform
 * generates for it, too.
 */
import { Construct } from 'constructs';
import { TeamConfig } from '../../config';
import { PlatformChart, PlatformChartProps, SYNC_WAVE } from '../lib/platform-chart';
import { WebService } from './web-service';

export * from './web-service';

export interface TeamAppsChartProps extends PlatformChartProps {
  readonly team: TeamConfig;
}

export class TeamAppsChart extends PlatformChart {
  readonly wave = SYNC_WAVE.teams;
  readonly project: string;
  readonly destinationNamespace: string;

  constructor(scope: Construct, id: string, props: TeamAppsChartProps) {
    super(scope, id, props);
    this.project = props.team.name;
    this.destinationNamespace = this.names.teamNamespace(props.team);
    for (const app of props.team.apps) new WebService(this, app.name, { names: this.names, team: props.team, app });
  }
}
