/**
 * One environment's platform: every chart, in the order Argo CD should apply them.
 * Chart ids are the folder names under dist/<env>/.
 */
import { App } from 'cdk8s';
import { EnvironmentNames } from '../config';
import { writeManifests } from './lib/manifest-writer';
import { TenancyChart } from './tenancy';

export function buildEnvironment(names: EnvironmentNames): App {
  const app = new App();
  new TenancyChart(app, 'teams', { names });
  return app;
}

/** Synthesize one environment into `outdir`; returns the files written relative to it. */
export function synthesizeEnvironment(names: EnvironmentNames, outdir: string): string[] {
  return writeManifests(buildEnvironment(names), outdir);
}
