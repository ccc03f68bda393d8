/**
 * One environment's platform: every chart, each in its own folder of dist/<env>/ (the chart id),
 * and the gitops chart that turns them all into Argo CD Applications.
 */
import { App } from 'cdk8s';
import { EnvironmentNames } from '../config';
import { renderFiles, writeFiles } from './lib/manifest-writer';
import { PlatformChart } from './lib/platform-chart';
import { APPS_FOLDER, GitOpsChart } from './gitops';
import { TenancyChart } from './tenancy';
import { SecretsChart } from './secrets';
import { GatewayChart } from './gateway';
import { MonitoringChart } from './monitoring';
import { LoggingChart } from './logging';
import { TeamAppsChart } from './apps';
import { CapacityChart } from './capacity';
import { BackupChart } from './backup';
import { PlatformNetworkChart } from './network';

export function buildEnvironment(names: EnvironmentNames): App {
  const app = new App();
  const charts: PlatformChart[] = [
    new TenancyChart(app, 'teams', { names }),
    new SecretsChart(app, 'secrets', { names }),
    new GatewayChart(app, 'gateway', { names }),
    new MonitoringChart(app, 'monitoring', { names }),
    new LoggingChart(app, 'logging', { names }),
    new CapacityChart(app, 'capacity', { names }),
    new BackupChart(app, 'backup', { names }),
    new PlatformNetworkChart(app, 'platform-network', { names }),
    ...names.teams.filter((t) => t.apps.length > 0).map((team) => new TeamAppsChart(app, `apps-${team.name}`, { names, team })),
  ];
  const gitops = new GitOpsChart(app, APPS_FOLDER, { names, charts });
  for (const chart of [...charts, gitops]) chart.markCustomResources();
  return app;
}

/** One environment's files in memory, keyed `<folder>/<file>`. */
export function renderEnvironment(names: EnvironmentNames): Map<string, string> {
  return renderFiles(buildEnvironment(names));
}

/** Synthesize one environment into `outdir`. */
export function synthesizeEnvironment(names: EnvironmentNames, outdir: string): void {
  writeFiles(renderEnvironment(names), outdir);
}
