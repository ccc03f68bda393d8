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
import { DistDirectory } from './charts/lib/dist-directory';
import { isEnvironmentWorker, renderEnvironments, runEnvironmentWorker } from './charts/lib/environment-workers';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const configFile = env.PLATFORM_CONFIG ?? 'platform.yaml';
  const dist = new DistDirectory(env.PLATFORM_DIST ?? 'dist');
  const staging = env.CDK8S_OUTDIR ?? 'cdk8s.out';
  let rendered: Map<string, Map<string, string>>;
  try {
    const names = new PlatformNames(loadPlatformConfig(configFile));
    rendered = await renderEnvironments(configFile, names, __filename, env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\nNothing was written; ${dist.root}/ is unchanged.\n`);
    } else {
      process.stderr.write(`error: synthesis failed, ${dist.root}/ is unchanged:\n${(e as Error).stack}\n`);
    }
    return 1;
  }
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    for (const [env, files] of rendered) {
      fs.writeFileSync(path.join(staging, `${env}.k8s.yaml`), [...files.values()].join('---\n'));
    }
    // stderr: the cdk8s CLI swallows the app's stdout.
    for (const p of dist.publish(rendered)) {
      process.stderr.write(`${p.dir}: ${p.objects} objects (${p.written} files written, ${p.removed} removed)\n`);
    }
    return 0;
  } catch (e) {
    process.stderr.write(`error: writing failed, ${dist.root}/ may be partly updated; run the synth again: ${(e as Error).message}\n`);
    return 1;
  }
}

if (isEnvironmentWorker()) {
  runEnvironmentWorker();
} else if (require.main === module) {
  void main().then((code) => { process.exitCode = code; });
}
