/**
 * What a person sees from `npx cdk8s synth` / `npm run synth`, through the real cdk8s CLI: where
 * dist/ went on success; on a config error, the config's lines, exit 1, no stack trace, and dist/
 * untouched.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { fixture } from './harness/fixtures';

const ROOT = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function cdk8sSynth(config: string, dist: string) {
  return spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--output', path.join(work, 'cdk8s.out')], {
    cwd: ROOT, env: { ...process.env, PLATFORM_CONFIG: config, PLATFORM_DIST: dist }, encoding: 'utf8',
  });
}

describe('npx cdk8s synth', () => {
  const f = fixture('kitchen-sink');
  const dist = path.join(work, 'dist');

  it('says where each environment\'s dist/ folder is and how many objects it holds', () => {
    const result = cdk8sSynth(f.file, dist);
    expect(result.status).toBe(0);
    for (const env of f.names.environments) {
      const count = fs.readdirSync(path.join(dist, env.env), { recursive: true }).filter((p) => String(p).endsWith('.yaml')).length;
      expect(result.stderr).toContain(`${path.join(dist, env.env)}: ${count} objects (`);
    }
  });

  it('refuses a bad config with its lines, exit 1 and no stack trace, leaving dist/ as it was', () => {
    const bad = path.join(work, 'bad.yaml');
    const doc: any = yaml.load(fs.readFileSync(f.file, 'utf8'));
    doc.organization = 42;
    fs.writeFileSync(bad, yaml.dump(doc));
    const before = fs.readdirSync(dist, { recursive: true }).sort();
    const result = cdk8sSynth(bad, dist);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${bad}: organization: expected`);
    expect(result.stderr).toContain('Nothing was written');
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
    expect(fs.readdirSync(dist, { recursive: true }).sort()).toEqual(before);
  });
});
