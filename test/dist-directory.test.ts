/**
 * How synth writes dist/: in place, touching only what changed (charts/lib/dist-directory.ts), and
 * the same bytes whether environments are rendered on one thread or on worker threads
 * (charts/lib/environment-workers.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DistDirectory } from '../charts/lib/dist-directory';
import { fixture } from './harness/fixtures';
import { filesUnder } from './harness/files';

const ROOT = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-dir-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const tree = (root: string) => new Map(filesUnder(root).map((p) => [path.relative(root, p), fs.readFileSync(p, 'utf8')]));
const rendered = (files: Record<string, string>) => new Map([['dev', new Map(Object.entries(files))]]);

describe('DistDirectory.publish', () => {
  it('writes nothing when nothing changed, so an unchanged config leaves every file as it was', () => {
    const dist = new DistDirectory(fs.mkdtempSync(path.join(work, 'a-')));
    expect(dist.publish(rendered({ 'teams/A.yaml': 'a\n', 'teams/B.yaml': 'b\n' }))).toEqual([{ env: 'dev', dir: path.join(dist.root, 'dev'), objects: 2, written: 2, removed: 0 }]);
    const file = path.join(dist.root, 'dev', 'teams', 'A.yaml');
    fs.utimesSync(file, new Date(0), new Date(0));
    expect(dist.publish(rendered({ 'teams/A.yaml': 'a\n', 'teams/B.yaml': 'b\n' }))[0]).toMatchObject({ written: 0, removed: 0 });
    expect(fs.statSync(file).mtimeMs).toBe(0);
  });

  it('rewrites changed files, adds new ones and removes what the config no longer makes, empty folders too', () => {
    const dist = new DistDirectory(fs.mkdtempSync(path.join(work, 'b-')));
    dist.publish(rendered({ 'teams/A.yaml': 'a\n', 'apps-x/B.yaml': 'b\n' }));
    fs.writeFileSync(path.join(dist.root, 'dev', 'teams', 'edited-by-hand.yaml'), 'x');
    expect(dist.publish(rendered({ 'teams/A.yaml': 'a2\n', 'logging/C.yaml': 'c\n' }))[0]).toMatchObject({ written: 2, removed: 2 });
    expect(tree(path.join(dist.root, 'dev'))).toEqual(new Map([[path.join('logging', 'C.yaml'), 'c\n'], [path.join('teams', 'A.yaml'), 'a2\n']]));
    expect(fs.existsSync(path.join(dist.root, 'dev', 'apps-x'))).toBe(false);
  });
});

describe('rendering environments on worker threads', () => {
  const f = fixture('kitchen-sink');
  const synth = (workers: string, dist: string) => spawnSync(process.execPath, ['scripts/synth-app.js'], {
    cwd: ROOT, encoding: 'utf8',
    env: { ...process.env, PLATFORM_CONFIG: f.file, PLATFORM_DIST: dist, CDK8S_OUTDIR: `${dist}-staging`, PLATFORM_SYNTH_WORKERS: workers },
  });

  it('gives byte-identical output to rendering every environment on one thread', () => {
    const serial = path.join(work, 'serial');
    const parallel = path.join(work, 'parallel');
    expect(synth('0', serial).status).toBe(0);
    expect(synth(String(f.names.environments.length - 1), parallel).status).toBe(0);
    expect(fs.readdirSync(parallel).sort()).toEqual(f.names.environments.map((e) => e.env).sort());
    expect(tree(parallel)).toEqual(tree(serial));
  });
});
