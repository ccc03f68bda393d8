/**
 * cdktf entry point: one stack per environment (plus its GitOps bootstrap), and the shared
 * state and registry stacks. Apply order: state-bootstrap, registry, <env>, <env>-gitops.
 */
import { App } from 'cdktf';
import { ConfigError, loadPlatformConfig, PlatformNames } from '../config';
import { EnvironmentStack } from './stacks/environment-stack';
import { GitOpsBootstrapStack } from './stacks/gitops-bootstrap-stack';
import { RegistryStack, StateBootstrapStack } from './stacks/shared-stacks';

export function buildInfra(platform: PlatformNames, outdir?: string): App {
  const app = new App({ outdir, skipValidation: false });
  new StateBootstrapStack(app, 'state-bootstrap', platform);
  new RegistryStack(app, 'registry', platform);
  for (const env of platform.environments) {
    new EnvironmentStack(app, env.env, platform, env);
    new GitOpsBootstrapStack(app, `${env.env}-gitops`, platform, env);
  }
  return app;
}

if (require.main === module) {
  try {
    buildInfra(new PlatformNames(loadPlatformConfig(process.env.PLATFORM_CONFIG ?? 'platform.yaml'))).synth();
  } catch (e) {
    process.stderr.write(e instanceof ConfigError ? `error: ${e.message}\n` : `error: ${(e as Error).stack}\n`);
    process.exitCode = 1;
  }
}
