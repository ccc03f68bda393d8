/**
 * dist/ is what the GitOps repository holds, so it is replaced atomically: every environment is
 * rendered in memory first, written next to dist/<env>, and swapped in with renames only after
 * every environment is on disk. A failed synth leaves dist/ exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { writeFiles } from './manifest-writer';

export class DistDirectory {
  constructor(readonly root: string) {}

  /**
   * Replace dist/<env> with the rendered files of each environment, and remove environment folders
   * that the config no longer has (dist/ is a pure function of platform.yaml).
   */
  publish(rendered: Map<string, Map<string, string>>): void {
    const environments = [...rendered.keys()];
    fs.mkdirSync(this.root, { recursive: true });
    const incoming: Array<{ env: string; target: string }> = [];
    try {
      for (const [env, files] of rendered) {
        const target = path.join(this.root, `.incoming-${env}-${process.pid}`);
        fs.rmSync(target, { recursive: true, force: true });
        incoming.push({ env, target });
        // Written once, straight next to its destination: a copy from a staging folder doubled the I/O.
        writeFiles(files, target);
      }
    } catch (e) {
      for (const { target } of incoming) fs.rmSync(target, { recursive: true, force: true });
      throw e;
    }
    // Everything is on disk next to its destination; from here on only renames happen.
    for (const { env, target } of incoming) {
      const final = path.join(this.root, env);
      const old = path.join(this.root, `.outgoing-${env}-${process.pid}`);
      if (fs.existsSync(final)) fs.renameSync(final, old);
      fs.renameSync(target, final);
      fs.rmSync(old, { recursive: true, force: true });
    }
    for (const entry of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !environments.includes(entry.name)) {
        fs.rmSync(path.join(this.root, entry.name), { recursive: true, force: true });
      }
    }
  }
}
