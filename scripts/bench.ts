/**
 * `npm run bench`: times the two synth commands users run, end to end through their CLIs, several
 * times each, and prints the median. Runs into scratch folders: dist/ and cdktf.out/ are untouched.
 * The first run of each synth writes every file into an empty dist/; the others re-synthesize an
 * unchanged config, which writes nothing (the everyday case); `first` shows the former.
 * Wall times on a shared machine depend on its load, which is printed first.
 *
 *   BENCH_RUNS   runs per command (default 5)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scaleConfig } from '../test/fixtures/scale-config';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = path.resolve(__dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

function time(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const first = samples[0];
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(`${label.padEnd(44)} median ${median.toFixed(2)} s   (first ${first.toFixed(2)}, min ${samples[0].toFixed(2)}, max ${samples[samples.length - 1].toFixed(2)}, ${runs} runs)`);
  return median;
}

console.log(`k8s-platform bench on ${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const synthEnv = { PLATFORM_DIST: path.join(scratch, 'dist') };
time('npx cdk8s synth (all environments)', 'npx', ['cdk8s', 'synth', '--no-check-upgrade'], synthEnv);
// Without npx's own start-up (about a second), as `npm run synth` runs it.
time('cdk8s synth, CLI binary (all environments)', path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade'], synthEnv);
time('synth app alone, no CLI (all environments)', process.execPath, ['scripts/synth-app.js'], { ...synthEnv, CDK8S_OUTDIR: path.join(scratch, 'staging') });
time('npx cdktf synth (all stacks)', 'npx', ['cdktf', 'synth', '--output', path.join(scratch, 'cdktf.out')], { CHECKPOINT_DISABLE: '1' });

// Scale: the same app with generated organisations; linear growth means the ratio tracks the size.
const scaled = (teams: number) => {
  const file = path.join(scratch, `platform-${teams}.yaml`);
  fs.writeFileSync(file, scaleConfig(teams, 5));
  return time(`synth app, ${teams} teams / ${teams * 5} apps`, process.execPath, ['scripts/synth-app.js'],
    { PLATFORM_CONFIG: file, PLATFORM_DIST: path.join(scratch, `dist-${teams}`), CDK8S_OUTDIR: path.join(scratch, `staging-${teams}`) });
};
const small = scaled(50);
const large = scaled(200);
console.log(`growth: 4x the teams took ${(large / small).toFixed(1)}x the time`);
fs.rmSync(scratch, { recursive: true, force: true });
