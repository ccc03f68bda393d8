/**
 * cdktf entry point: one stack per environment (plus its GitOps bootstrap), and the shared
 * state and registry stacks. Stack dependencies give `cdktf deploy '*'` its order:
 * state-bootstrap, then registry and every <env>, then each <env>-gitops after its <env>.
 */
import { App } from 'cdktf';
import { ConfigError, loadPlatformConfig, PlatformNames } from '../config';
import { EnvironmentStack } from './stacks/environment-stack';
import { GitOpsBootstrapStack } from './stacks/gitops-bootstrap-stack';
import { RegistryStack, StateBootstrapStack } from './stacks/shared-stacks';

export function buildInfra(platform: PlatformNames, outdir?: string): App {
  const app = new App({ outdir, skipValidation: false });
  const state = new StateBootstrapStack(app, 'state-bootstrap', platform);
  const registry = new RegistryStack(app, 'registry', platform);
  registry.addDependency(state);
  for (const env of platform.environments) {
    const aws = new EnvironmentStack(app, env.env, platform, env);
    aws.addDependency(state);
    const gitops = new GitOpsBootstrapStack(app, `${env.env}-gitops`, platform, env);
    gitops.addDependency(aws);
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
