/**
 * `npm run check [path ...]`: the production-readiness report over dist/ (or the given folders
 * and files). Exits 1 when any error is found.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { checkManifests, formatFindings, Manifest } from '../check/readiness';

function yamlFiles(p: string): string[] {
  if (fs.statSync(p).isFile()) return [p];
  return fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(p, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(p, e.name)] : []));
}

export function runCheck(targets: string[], out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const manifests: Manifest[] = [];
  for (const target of targets) {
    if (!fs.existsSync(target)) {
      out(`error: ${target}: no such file or folder\n`);
      return 2;
    }
    for (const file of yamlFiles(target)) {
      for (const obj of yaml.loadAll(fs.readFileSync(file, 'utf8'))) if (obj) manifests.push({ obj, file });
    }
  }
  const findings = checkManifests(manifests);
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (findings.length) out(`${formatFindings(findings)}\n\n`);
  out(`${manifests.length} objects checked: ${errors} errors, ${findings.length - errors} warnings\n`);
  return errors > 0 ? 1 : 0;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  process.exitCode = runCheck(args.length ? args : ['dist']);
}
