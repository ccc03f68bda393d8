/**
 * Renders the environments on every core: this thread renders its share while worker threads
 * render the others (one environment is independent of the others, and rendering is CPU-bound:
 * with 200 teams, about 1.5 s per environment). Output is identical to rendering one after the
 * other; only the wall time changes.
 *
 *   PLATFORM_SYNTH_WORKERS  worker threads to use (default: one per extra core, at most one per
 *                           extra environment; 0 renders everything on this thread)
 */
import * as os from 'os';
import { isMainThread, parentPort, Worker, workerData } from 'worker_threads';
import { loadPlatformConfig, PlatformNames } from '../../config';
import { renderEnvironment } from '../platform';

interface RenderRequest {
  readonly role: 'k8s-platform-render';
  readonly configFile: string;
  readonly environments: string[];
}

type RenderReply = { env: string; files: Array<[string, string]> } | { error: string };

/** Rendered files of each environment, in config order. */
export type RenderedEnvironments = Map<string, Map<string, string>>;

function workerCount(environments: number, env: NodeJS.ProcessEnv): number {
  const wanted = env.PLATFORM_SYNTH_WORKERS !== undefined ? Number(env.PLATFORM_SYNTH_WORKERS) : os.availableParallelism() - 1;
  return Math.max(0, Math.min(environments - 1, Number.isFinite(wanted) ? wanted : 0));
}

/**
 * `names` is the validated config (from `configFile`); `entry` is the script a worker runs, which
 * must call runEnvironmentWorker() when isEnvironmentWorker() (main.ts, bundled or not).
 */
export async function renderEnvironments(configFile: string, names: PlatformNames, entry: string, env: NodeJS.ProcessEnv = process.env): Promise<RenderedEnvironments> {
  const all = names.environments;
  const slots = workerCount(all.length, env) + 1;
  // Environment i goes to slot i % slots; slot 0 is this thread.
  const share = (slot: number) => all.filter((_, i) => i % slots === slot).map((e) => e.env);
  const workers = Array.from({ length: slots - 1 }, (_, w) => new Promise<Array<[string, Map<string, string>]>>((resolve, reject) => {
    const request: RenderRequest = { role: 'k8s-platform-render', configFile, environments: share(w + 1) };
    const worker = new Worker(entry, { workerData: request });
    const results: Array<[string, Map<string, string>]> = [];
    worker.on('message', (reply: RenderReply) => {
      if ('error' in reply) reject(new Error(reply.error));
      else results.push([reply.env, new Map(reply.files)]);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve(results) : reject(new Error(`environment worker exited with code ${code}`))));
  }));
  const here = share(0).map((name) => [name, renderEnvironment(names.environment(name))] as [string, Map<string, string>]);
  const rendered = new Map([...here, ...(await Promise.all(workers)).flat()]);
  return new Map(all.map((e) => [e.env, rendered.get(e.env)!]));
}

export function isEnvironmentWorker(): boolean {
  return !isMainThread && (workerData as RenderRequest | undefined)?.role === 'k8s-platform-render';
}

/** The worker side: render the requested environments and send each back. */
export function runEnvironmentWorker(): void {
  const request = workerData as RenderRequest;
  try {
    const names = new PlatformNames(loadPlatformConfig(request.configFile));
    for (const name of request.environments) {
      const reply: RenderReply = { env: name, files: [...renderEnvironment(names.environment(name))] };
      parentPort!.postMessage(reply);
    }
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).stack ?? String(e) } satisfies RenderReply);
  }
}
