/**
 * `npm run check [PATH ...]`: the gate an adopter runs in CI on their own platform.yaml and dist/.
 *
 *   1. config     platform.yaml (or $PLATFORM_CONFIG) is valid; a warning per environment whose
 *                 Kubernetes version leaves EKS standard support within 60 days
 *   2. readiness  production-readiness checks (check/readiness.ts)
 *   3. schemas    every object as the API server of each supported Kubernetes version would take
 *                 it, with the pinned CRDs and their CEL rules (check/manifest-validator.ts)
 *   4. promtool   `promtool check rules` on every PrometheusRule
 *   5. amtool     `amtool check-config` on every Alertmanager config
 *   6. fresh      a warning when dist/ differs from a fresh synth of the config (default dist only)
 *
 * PATH defaults to $PLATFORM_DIST or dist. Ends with one summary line; exits 1 on any error, 2
 * when a PATH does not exist. Missing schemas or tools are one line each: a warning, or an error
 * when CI=true.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ConfigError, loadPlatformConfig, PlatformNames, supportWarnings } from '../config';
import { checkManifests, formatFindings, Manifest, objectName } from '../check/readiness';
import { ManifestValidator } from '../check/manifest-validator';
import { locateSchemas } from '../check/schema-files';
import { checkWithPrometheusTools, missingToolMessage, toolAvailable } from '../check/prometheus-tools';
import { staleDistFiles } from '../check/dist-freshness';

function yamlFiles(p: string): string[] {
  if (fs.statSync(p).isFile()) return [p];
  return fs.readdirSync(p, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(p, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(p, e.name)] : []));
}

/** Compiled schemas per schema folder: one process that checks several times compiles once. */
const validators = new Map<string, ManifestValidator>();

export interface CheckOptions {
  /** Folders or files of manifests; default $PLATFORM_DIST or dist. */
  readonly targets?: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly out?: (s: string) => void;
  /** Tools to consider missing (tests); default: look them up on PATH. */
  readonly tools?: { promtool: boolean; amtool: boolean };
  /** The day the Kubernetes support warnings are computed for (tests). @default today */
  readonly today?: Date;
}

export function runCheck(options: CheckOptions = {}): number {
  const env = options.env ?? process.env;
  const out = options.out ?? ((s: string) => process.stdout.write(s));
  const ci = /^(1|true)$/i.test(env.CI ?? '');
  const defaultDist = env.PLATFORM_DIST ?? 'dist';
  const targets = options.targets?.length ? options.targets : [defaultDist];
  const configFile = env.PLATFORM_CONFIG ?? 'platform.yaml';
  let errors = 0;
  let warnings = 0;
  const line = (s: string) => out(`${s}\n`);
  /** Something we could not check: a warning locally, an error in CI. */
  const couldNotCheck = (message: string) => { if (ci) errors++; else warnings++; line(`${ci ? 'error' : 'warning'}: ${message}`); };

  // 1. config
  let names: PlatformNames | undefined;
  try {
    names = new PlatformNames(loadPlatformConfig(configFile));
    const count = names.environments.length;
    line(`config     ${configFile}: valid (${count} environment${count === 1 ? '' : 's'})`);
    for (const w of supportWarnings(names.platform, options.today)) {
      warnings++;
      line(`warning: ${w}`);
    }
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    errors += e.problems.length;
    line(`config     ${e.message.split('\n').join('\n           ')}`);
  }

  const manifests: Manifest[] = [];
  for (const target of targets) {
    if (!fs.existsSync(target)) {
      line(`error: ${target}: no such file or folder (run \`npm run synth\` first, or name the folder to check)`);
      return 2;
    }
    for (const file of yamlFiles(target)) {
      for (const obj of yaml.loadAll(fs.readFileSync(file, 'utf8'))) if (obj) manifests.push({ obj, file });
    }
  }
  const where = (m: Manifest) => `${objectName(m.obj)}${m.file ? ` (${m.file})` : ''}`;

  // 2. readiness
  const findings = checkManifests(manifests);
  const readinessErrors = findings.filter((f) => f.severity === 'error').length;
  errors += readinessErrors;
  warnings += findings.length - readinessErrors;
  line(`readiness  ${manifests.length} objects: ${readinessErrors} errors, ${findings.length - readinessErrors} warnings`);
  if (findings.length) line(formatFindings(findings));

  // 3. schemas and CEL rules
  const schemas = locateSchemas(env);
  if (!schemas.found) {
    couldNotCheck(schemas.message);
  } else {
    let validator = validators.get(schemas.dir);
    if (!validator) validators.set(schemas.dir, validator = new ManifestValidator(schemas.dir));
    const invalid = manifests.map((m) => ({ m, problems: validator.validate(m.obj) })).filter((r) => r.problems.length > 0);
    errors += invalid.reduce((n, r) => n + r.problems.length, 0);
    line(`schemas    ${manifests.length - invalid.length} of ${manifests.length} objects valid for Kubernetes ${validator.versions.join(' and ')} and the pinned CRDs (CEL rules included)`);
    for (const { m, problems } of invalid) for (const p of problems) line(`  ${where(m)}: ${p}`);
  }

  // 4, 5. promtool and amtool
  const tools = options.tools ?? { promtool: toolAvailable('promtool'), amtool: toolAvailable('amtool') };
  const result = checkWithPrometheusTools(manifests, tools);
  if (!tools.promtool) couldNotCheck(missingToolMessage('promtool', `${result.rules} PrometheusRules`));
  if (!tools.amtool) couldNotCheck(missingToolMessage('amtool', `${result.alertmanagers} Alertmanager configs`));
  errors += result.findings.filter((f) => f.severity === 'error').length;
  warnings += result.findings.filter((f) => f.severity === 'warning').length;
  const count = (tool: string, severity: string) => result.findings.filter((f) => f.tool === tool && f.severity === severity).length;
  const partly = (tool: string) => (count(tool, 'warning') ? ` (${count(tool, 'warning')} with fields the tool is too old to know)` : '');
  if (tools.promtool) line(`promtool   ${result.rules - count('promtool', 'error')} of ${result.rules} PrometheusRules pass \`promtool check rules\``);
  if (tools.amtool) line(`amtool     ${result.alertmanagers - count('amtool', 'error')} of ${result.alertmanagers} Alertmanager configs pass \`amtool check-config\`${partly('amtool')}`);
  for (const f of result.findings) line(`  ${f.severity === 'warning' ? 'warning: ' : ''}${f.object}${f.file ? ` (${f.file})` : ''}: ${f.tool}: ${f.problem}`);

  // 6. is dist/ a fresh synth of the config?
  if (names && targets.length === 1 && path.resolve(targets[0]) === path.resolve(defaultDist)) {
    const stale = staleDistFiles(names, defaultDist);
    if (stale.length) {
      warnings++;
      line(`warning: ${defaultDist}/ is not a fresh synth of ${configFile}: ${stale.length} files differ (first: ${stale[0]}); run \`npm run synth\` and commit ${defaultDist}/`);
    } else {
      line(`fresh      ${defaultDist}/ is what ${configFile} synthesizes`);
    }
  }

  line(`${errors ? 'check FAILED' : 'check passed'}: ${manifests.length} objects in ${targets.join(', ')}, ${errors} errors, ${warnings} warnings`);
  return errors > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = runCheck({ targets: process.argv.slice(2) });
}
