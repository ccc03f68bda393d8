#!/usr/bin/env node
/**
 * The `app` that `cdk8s synth` runs. It bundles main.ts and its sources into one JavaScript file
 * with esbuild (only when a source is newer than the bundle), then runs it. Loading one
 * pre-built file is about twice as fast as transpiling every module on each synth, and the
 * bundle can never be stale: it is rebuilt whenever a .ts file under the project changes.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'node_modules', '.cache', 'k8s-platform', 'synth.js');
const SOURCES = ['main.ts', 'config', 'charts', 'imports'];

function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else if (p.endsWith('.ts')) newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of SOURCES) if (fs.existsSync(path.join(root, s))) visit(path.join(root, s));
  return newest;
}

function ensureBundle() {
  const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  if (built >= newestSource()) return;
  // Build beside the bundle and rename: two synths at once (parallel tests) never read half a file.
  const tmp = `${bundle}.${process.pid}.tmp`;
  require('esbuild').buildSync({
    entryPoints: [path.join(root, 'main.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external', // node_modules stay node_modules: cdk8s must be one instance
    logLevel: 'error',
  });
  fs.renameSync(tmp, bundle);
}

ensureBundle();
require(bundle).main().then((code) => {
  // The cdk8s CLI (it sets CDK8S_RECORD_CONSTRUCT_METADATA for its app) answers an app's non-zero
  // exit with its own stack trace after our message (cdk8s-cli lib/cli/index.js prints e.stack).
  // It also fails, with one line and exit 1 but no stack trace, when the app leaves no output
  // folder: so on failure under the CLI we remove that folder and let the CLI report the failure.
  if (code !== 0 && process.env.CDK8S_RECORD_CONSTRUCT_METADATA !== undefined && process.env.CDK8S_OUTDIR) {
    fs.rmSync(process.env.CDK8S_OUTDIR, { recursive: true, force: true });
    process.exitCode = 0;
  } else {
    process.exitCode = code;
  }
});
