/**
 * Synthesizes the environments on every core: this thread takes its share while worker threads
 * take the others (environments are independent, and rendering is CPU-bound: with 200 teams,
 * about 1.5 s per environment). Two phases, so a failure still writes nothing: every thread
 * renders in memory; only when all have succeeded does each write its own environments (the
 * one-file copy into the staging folder, then dist/<env>). Output is byte-identical to doing it
 * all on one thread.
 *
 *   PLATFORM_SYNTH_WORKERS  worker threads to use (default: one per extra core, at most one per
 *                           extra environment, none when the load average is already at the core
 *                           count; 0 does everything on this thread)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { loadPlatformConfig, PlatformNames } from '../../config';
import { renderEnvironment } from '../platform';
import { DistDirectory, PublishedEnvironment } from './dist-directory';

export interface SynthTarget {
  readonly configFile: string;
  /** dist/ */
  readonly distRoot: string;
  /** The cdk8s CLI's output folder: <env>.k8s.yaml, each environment as one file. */
  readonly staging: string;
}

interface WorkerRequest extends SynthTarget {
  readonly role: 'k8s-platform-synth';
  readonly environments: string[];
}

type WorkerReply =
  | { type: 'rendered' }
  | { type: 'published'; results: PublishedEnvironment[] }
  | { type: 'error'; phase: 'render' | 'write'; message: string };

type Command = { type: 'write' } | { type: 'abort' };

/** Rendering failed somewhere: nothing was written. */
export class RenderFailed extends Error {}

/**
 * A worker costs about a second of CPU of its own (loading, a cold JIT, its own heap): worth it on
 * idle cores, a loss when other processes already keep every core busy. So by default: one worker
 * per extra core, unless the 1-minute load average says the cores are saturated.
 */
function workerCount(environments: number, env: NodeJS.ProcessEnv): number {
  const cores = os.availableParallelism();
  const wanted = env.PLATFORM_SYNTH_WORKERS !== undefined ? Number(env.PLATFORM_SYNTH_WORKERS) : os.loadavg()[0] < cores ? cores - 1 : 0;
  return Math.max(0, Math.min(environments - 1, Number.isFinite(wanted) ? wanted : 0));
}

function renderAll(names: PlatformNames, environments: string[]): Array<[string, Map<string, string>]> {
  return environments.map((e) => [e, renderEnvironment(names.environment(e))]);
}

function writeAll(target: SynthTarget, rendered: Array<[string, Map<string, string>]>): PublishedEnvironment[] {
  const dist = new DistDirectory(target.distRoot);
  return rendered.map(([env, files]) => {
    fs.writeFileSync(path.join(target.staging, `${env}.k8s.yaml`), [...files.values()].join('---\n'));
    return dist.publishEnvironment(env, files);
  });
}

class SynthWorker {
  private readonly worker: Worker;
  private readonly replies: WorkerReply[] = [];
  private waiting?: (r: WorkerReply) => void;

  constructor(entry: string, request: WorkerRequest) {
    this.worker = new Worker(entry, { workerData: request });
    this.worker.on('message', (r: WorkerReply) => this.deliver(r));
    this.worker.on('error', (e) => this.deliver({ type: 'error', phase: 'render', message: e.stack ?? e.message }));
    this.worker.on('exit', (code) => this.deliver({ type: 'error', phase: 'write', message: `worker exited with code ${code}` }));
  }

  private deliver(r: WorkerReply): void {
    if (this.waiting) { const w = this.waiting; this.waiting = undefined; w(r); } else this.replies.push(r);
  }

  next(): Promise<WorkerReply> {
    const r = this.replies.shift();
    return r ? Promise.resolve(r) : new Promise((resolve) => { this.waiting = resolve; });
  }

  send(c: Command): void { this.worker.postMessage(c); }
}

/**
 * Render every environment of the validated config (`names`, from `target.configFile`), then write
 * them. `entry` is the script workers run; it must call runSynthWorker() when isSynthWorker()
 * (main.ts, bundled or not). Throws RenderFailed when nothing was written, any other error when
 * writing failed part-way.
 */
export async function synthesizeEnvironments(target: SynthTarget, names: PlatformNames, entry: string, env: NodeJS.ProcessEnv = process.env): Promise<PublishedEnvironment[]> {
  const all = names.environments.map((e) => e.env);
  const slots = workerCount(all.length, env) + 1;
  // Environment i goes to slot i % slots; slot 0 is this thread.
  const share = (slot: number) => all.filter((_, i) => i % slots === slot);
  const workers = Array.from({ length: slots - 1 }, (_, w) => new SynthWorker(entry, { role: 'k8s-platform-synth', ...target, environments: share(w + 1) }));
  let mine: Array<[string, Map<string, string>]>;
  try {
    mine = renderAll(names, share(0));
  } catch (e) {
    workers.forEach((w) => w.send({ type: 'abort' }));
    throw new RenderFailed((e as Error).stack ?? String(e));
  }
  const ready = await Promise.all(workers.map((w) => w.next()));
  const failed = ready.find((r) => r.type === 'error');
  if (failed) {
    workers.forEach((w) => w.send({ type: 'abort' }));
    throw new RenderFailed((failed as { message: string }).message);
  }
  fs.rmSync(target.staging, { recursive: true, force: true });
  fs.mkdirSync(target.staging, { recursive: true });
  workers.forEach((w) => w.send({ type: 'write' }));
  const results = new Map(writeAll(target, mine).map((r) => [r.env, r]));
  for (const reply of await Promise.all(workers.map((w) => w.next()))) {
    if (reply.type !== 'published') throw new Error(reply.type === 'error' ? reply.message : 'worker did not write');
    for (const r of reply.results) results.set(r.env, r);
  }
  new DistDirectory(target.distRoot).removeEnvironmentsExcept(all);
  return all.map((e) => results.get(e)!);
}

export function isSynthWorker(): boolean {
  return !isMainThread && (workerData as WorkerRequest | undefined)?.role === 'k8s-platform-synth';
}

/** The worker side: render, say so, then write or stop as told. */
export function runSynthWorker(): void {
  const request = workerData as WorkerRequest;
  const port = parentPort!;
  const reply = (r: WorkerReply) => port.postMessage(r);
  let rendered: Array<[string, Map<string, string>]>;
  try {
    rendered = renderAll(new PlatformNames(loadPlatformConfig(request.configFile)), request.environments);
  } catch (e) {
    reply({ type: 'error', phase: 'render', message: (e as Error).stack ?? String(e) });
    return;
  }
  reply({ type: 'rendered' });
  port.once('message', (c: Command) => {
    if (c.type === 'write') {
      try {
        reply({ type: 'published', results: writeAll(request, rendered) });
      } catch (e) {
        reply({ type: 'error', phase: 'write', message: (e as Error).message });
      }
    }
    port.close();
  });
}
