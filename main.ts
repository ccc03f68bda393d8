/**
 * cdk8s entry point: platform.yaml in, dist/<env>/<chart>/<object>.yaml out.
 *
 *   PLATFORM_CONFIG  config file (default platform.yaml)
 *   PLATFORM_DIST    output folder (default dist)
 *   CDK8S_OUTDIR     set by `cdk8s synth` (default cdk8s.out): gets <env>.k8s.yaml, each environment
 *                    as one multi-document file (for `kubectl diff -f`), which the CLI lists
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, loadPlatformConfig, PlatformNames } from './config';
import { renderEnvironment } from './charts/platform';
import { DistDirectory } from './charts/lib/dist-directory';

export function main(env: NodeJS.ProcessEnv = process.env): number {
  const configFile = env.PLATFORM_CONFIG ?? 'platform.yaml';
  const dist = new DistDirectory(env.PLATFORM_DIST ?? 'dist');
  const staging = env.CDK8S_OUTDIR ?? 'cdk8s.out';
  try {
    const names = new PlatformNames(loadPlatformConfig(configFile));
    const rendered = new Map(names.environments.map((e) => [e.env, renderEnvironment(e)]));
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    for (const [env, files] of rendered) {
      fs.writeFileSync(path.join(staging, `${env}.k8s.yaml`), [...files.values()].join('---\n'));
    }
    dist.publish(rendered);
    // stderr: the cdk8s CLI swallows the app's stdout.
    for (const [env, files] of rendered) process.stderr.write(`${path.join(dist.root, env)}: ${files.size} objects\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\nNothing was written; ${dist.root}/ is unchanged.\n`);
    } else {
      process.stderr.write(`error: synthesis failed, ${dist.root}/ is unchanged:\n${(e as Error).stack}\n`);
    }
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main();
}
