/**
 * The synth contract users rely on: dist/ is a pure, byte-stable function of platform.yaml and it
 * is never left half-written. Run on every fixture config. (That the committed dist/ is what a
 * fresh synth of platform.yaml produces is checked by .ci/run, not here: a user who edits
 * platform.yaml must keep a green `npm test`.)
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { loadPlatformConfig, PlatformNames } from '../config';
import { synthesizeEnvironment } from '../charts/platform';
import { EXAMPLE_CONFIG, INVALID_CONFIGS } from './fixtures/invalid-configs';
import { filesUnder } from './harness/files';
import { fixture, fixtures } from './harness/fixtures';

const ROOT = path.resolve(__dirname, '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-platform-'));

/** Every file under a folder with its content, for byte comparison. */
function snapshotTree(root: string): Map<string, string> {
  return new Map(filesUnder(root).map((p) => [path.relative(root, p), fs.readFileSync(p, 'utf8')]));
}

function synthAll(configFile: string, outdir: string): void {
  for (const env of new PlatformNames(loadPlatformConfig(configFile)).environments) {
    synthesizeEnvironment(env, path.join(outdir, env.env));
  }
}

/** Run the app exactly as `cdk8s synth` does (cdk8s.yaml's `app`), against a given config and dist folder. */
function runSynth(configFile: string, dist: string) {
  return spawnSync(process.execPath, ['scripts/synth-app.js'], {
    cwd: ROOT,
    env: { ...process.env, PLATFORM_CONFIG: configFile, PLATFORM_DIST: dist, CDK8S_OUTDIR: path.join(dist, '..', 'staging') },
    encoding: 'utf8',
  });
}

/** Environment folder names a config must produce. */
const environmentsOf = (configFile: string) => loadPlatformConfig(configFile).environments.map((e) => e.name).sort();

describe.each(fixtures().map((f) => [f.name, f] as const))('synthesis of %s', (_name, f) => {
  const first = tmp();
  beforeAll(() => synthAll(f.file, first));

  it('writes one folder per environment and per chart, one file per object', () => {
    expect(fs.readdirSync(first).sort()).toEqual(environmentsOf(f.file));
    const files = [...snapshotTree(first).keys()];
    for (const env of f.names.environments) {
      for (const team of env.teams) expect(files).toContain(path.join(env.env, 'teams', `Namespace.${env.teamNamespace(team)}.yaml`));
    }
    expect(files.every((file) => file.split(path.sep).length === 3)).toBe(true);
  });

  it('is deterministic: two synths of the same config are byte-identical', () => {
    const second = tmp();
    synthAll(f.file, second);
    expect(snapshotTree(second)).toEqual(snapshotTree(first));
  });
});

describe('the synth command', () => {
  const work = tmp();
  const dist = path.join(work, 'dist');
  // A dist/ from an earlier good run, with a marker that a rewrite would lose.
  beforeAll(() => {
    expect(runSynth(EXAMPLE_CONFIG, dist).status).toBe(0);
    fs.writeFileSync(path.join(dist, 'dev', 'marker'), 'from the previous synth');
  });

  it('replaces dist/<env> on success and removes environments no longer configured', () => {
    const scratch = tmp();
    const cfg = path.join(scratch, 'platform.yaml');
    fs.writeFileSync(cfg, fs.readFileSync(EXAMPLE_CONFIG, 'utf8'));
    const out = path.join(scratch, 'dist');
    fs.mkdirSync(path.join(out, 'staging-env-gone'), { recursive: true });
    fs.mkdirSync(path.join(out, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(out, 'dev', 'stale.yaml'), 'kind: Stale');
    const result = runSynth(cfg, out);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(environmentsOf(EXAMPLE_CONFIG));
    expect(fs.existsSync(path.join(out, 'dev', 'stale.yaml'))).toBe(false);
  });

  // One case per class of bad input: each exits 1 and leaves dist/ as it was.
  const cases = INVALID_CONFIGS.filter((c) => /unknown key|wrong type|DNS name|duplicate team|overlap|missing required|YAML syntax|duplicate YAML|label over 63|IAM role|S3 bucket|host bits set|platform UI host|LATEST|CPU quota|under another environment|Azure/.test(c.rule));
  it.each(cases.map((c) => [c.rule, c] as const))('%s: exits non-zero, names the field, leaves dist/ untouched', (_rule, bad) => {
    const before = snapshotTree(dist);
    const cfg = path.join(work, 'bad.yaml');
    fs.writeFileSync(cfg, bad.text());
    const result = runSynth(cfg, dist);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`error: ${cfg}`);
    expect(result.stderr).toContain(bad.mentions[0]);
    expect(result.stderr).toContain('Nothing was written');
    expect(snapshotTree(dist)).toEqual(before);
  });

  it('exits non-zero when the config file is missing, leaving dist/ untouched', () => {
    const before = snapshotTree(dist);
    const result = runSynth(path.join(work, 'missing.yaml'), dist);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing.yaml: expected a readable platform config file, found no such file');
    expect(snapshotTree(dist)).toEqual(before);
  });

  it('also writes each environment as one multi-document file, for kubectl diff -f', () => {
    const staging = path.join(dist, '..', 'staging');
    expect(fs.readdirSync(staging).sort()).toEqual(environmentsOf(EXAMPLE_CONFIG).map((e) => `${e}.k8s.yaml`));
    for (const env of environmentsOf(EXAMPLE_CONFIG)) {
      const docs = yaml.loadAll(fs.readFileSync(path.join(staging, `${env}.k8s.yaml`), 'utf8')) as any[];
      const files = filesUnder(path.join(dist, env)).filter((f) => f.endsWith('.yaml'));
      expect(docs).toHaveLength(files.length);
      expect(docs.every((d) => d.apiVersion && d.kind && d.metadata.name)).toBe(true);
    }
  });

  it('rebuilds its bundle whenever a source is newer, so synth never runs stale code', () => {
    const bundle = path.join(ROOT, 'node_modules', '.cache', 'k8s-platform', 'synth.js');
    expect(runSynth(EXAMPLE_CONFIG, dist).status).toBe(0);
    fs.utimesSync(bundle, new Date(0), new Date(0)); // older than every source
    expect(runSynth(EXAMPLE_CONFIG, dist).status).toBe(0);
    expect(fs.statSync(bundle).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('works through the cdk8s CLI exactly as the README says', () => {
    // The kitchen sink, not the user's platform.yaml: the command is what is under test.
    const config = fixture('kitchen-sink').file;
    // --output keeps the user's cdk8s.out/ (their `kubectl diff -f` input) as their own synth left it.
    const staging = path.join(work, 'cli-out');
    const out = execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', staging], {
      cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PLATFORM_CONFIG: config, PLATFORM_DIST: path.join(work, 'cli-dist') },
    });
    expect(out).toContain('Synthesizing application');
    for (const env of environmentsOf(config)) expect(out).toContain(`${staging}/${env}.k8s.yaml`);
    expect(fs.readdirSync(path.join(work, 'cli-dist')).sort()).toEqual(environmentsOf(config));
  });
});
