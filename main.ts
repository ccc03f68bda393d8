/**
 * cdk8s entry point: platform.yaml in, dist/<env>/<chart>/<object>.yaml out.
 *
 *   PLATFORM_CONFIG  config file (default platform.yaml)
 *   PLATFORM_DIST    output folder (default dist)
 *   CDK8S_OUTDIR     set by `cdk8s synth` (default cdk8s.out): gets <env>.k8s.yaml, each environment
 *                    as one multi-document file (for `kubectl diff -f`), which the CLI lists
 */
import { ConfigError, loadPlatformConfig, PlatformNames } from './config';
import { isSynthWorker, RenderFailed, runSynthWorker, synthesizeEnvironments } from './charts/lib/environment-workers';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const target = { configFile: env.PLATFORM_CONFIG ?? 'platform.yaml', distRoot: env.PLATFORM_DIST ?? 'dist', staging: env.CDK8S_OUTDIR ?? 'cdk8s.out' };
  let names: PlatformNames;
  try {
    names = new PlatformNames(loadPlatformConfig(target.configFile));
  } catch (e) {
    process.stderr.write(e instanceof ConfigError
      ? `error: ${e.message}\nNothing was written; ${target.distRoot}/ is unchanged.\n`
      : `error: synthesis failed, ${target.distRoot}/ is unchanged:\n${(e as Error).stack}\n`);
    return 1;
  }
  try {
    // stderr: the cdk8s CLI swallows the app's stdout.
    for (const p of await synthesizeEnvironments(target, names, __filename, env)) {
      process.stderr.write(`${p.dir}: ${p.objects} objects (${p.written} files written, ${p.removed} removed)\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof RenderFailed) {
      process.stderr.write(`error: synthesis failed, ${target.distRoot}/ is unchanged:\n${e.message}\n`);
    } else {
      process.stderr.write(`error: writing failed, ${target.distRoot}/ may be partly updated; run the synth again: ${(e as Error).message}\n`);
    }
    return 1;
  }
}

if (isSynthWorker()) {
  runSynthWorker();
} else if (require.main === module) {
  void main().then((code) => { process.exitCode = code; });
}
