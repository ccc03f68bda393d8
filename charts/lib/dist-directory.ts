/**
 * dist/ is what the GitOps repository holds, so it is replaced atomically: environments are
 * synthesized elsewhere first and each dist/<env> is swapped in with renames only after every
 * environment succeeded. A failed synth leaves dist/ exactly as it was.
 */
import * as fs from 'fs';
import * as path from 'path';

export class DistDirectory {
  constructor(readonly root: string) {}

  /**
   * Replace dist/<env> for each env with staging/<env>, and remove environment folders that the
   * config no longer has (dist/ is a pure function of platform.yaml).
   */
  publish(staging: string, environments: string[]): void {
    fs.mkdirSync(this.root, { recursive: true });
    const incoming = environments.map((env) => {
      const target = path.join(this.root, `.incoming-${env}-${process.pid}`);
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(path.join(staging, env), target, { recursive: true });
      return { env, target };
    });
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
