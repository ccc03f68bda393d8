/**
 * dist/ is what the GitOps repository holds. Every environment is rendered in memory first, so a
 * synth that fails (bad config, a chart that does not validate, two objects in one file) writes
 * nothing. Then each dist/<env> is brought up to date in place: only files whose content changed
 * are written, files the config no longer makes are removed, unchanged files are not touched.
 *
 * Why in place rather than a fresh tree swapped in with renames: with 200 teams dist/ holds 23,000
 * files, and deleting the previous tree cost more than everything else in the synth put together
 * (unlink of every file, on every synth). Re-synthesizing an unchanged config now writes nothing,
 * and git sees only real changes. The price: a synth killed in the middle of writing (power loss,
 * disk full) can leave some files old and some new; the next synth repairs them, since dist/ is a
 * pure function of platform.yaml.
 */
import * as fs from 'fs';
import * as path from 'path';

/** What one publish did, per environment. */
export interface PublishedEnvironment {
  readonly env: string;
  readonly dir: string;
  readonly objects: number;
  readonly written: number;
  readonly removed: number;
}

/** Relative paths of the files under `dir` (chart folders, one level deep, as the writer makes them). */
function existingFiles(dir: string): Set<string> {
  const out = new Set<string>();
  if (!fs.existsSync(dir)) return out;
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? path.join(rel, e.name) : e.name;
      if (e.isDirectory()) visit(p);
      else out.add(p);
    }
  };
  visit('');
  return out;
}

function sameContent(file: string, content: string): boolean {
  try {
    return fs.readFileSync(file, 'utf8') === content;
  } catch {
    return false;
  }
}

export class DistDirectory {
  constructor(readonly root: string) {}

  /**
   * Make dist/<env> hold exactly the rendered files of each environment, and remove environment
   * folders that the config no longer has (dist/ is a pure function of platform.yaml).
   */
  publish(rendered: Map<string, Map<string, string>>): PublishedEnvironment[] {
    const published = [...rendered].map(([env, files]) => this.publishEnvironment(env, files));
    this.removeEnvironmentsExcept([...rendered.keys()]);
    return published;
  }

  /** Make dist/<env> hold exactly `files`; environments are independent (worker threads each do one). */
  publishEnvironment(env: string, files: Map<string, string>): PublishedEnvironment {
    fs.mkdirSync(this.root, { recursive: true });
    return this.update(env, files);
  }

  /** Remove environment folders not in `environments`, and staging folders of older versions of this writer. */
  removeEnvironmentsExcept(environments: string[]): void {
    if (!fs.existsSync(this.root)) return;
    for (const entry of fs.readdirSync(this.root, { withFileTypes: true })) {
      const leftover = entry.name.startsWith('.incoming-') || entry.name.startsWith('.outgoing-');
      if (entry.isDirectory() && (leftover || (!entry.name.startsWith('.') && !environments.includes(entry.name)))) {
        fs.rmSync(path.join(this.root, entry.name), { recursive: true, force: true });
      }
    }
  }

  private update(env: string, files: Map<string, string>): PublishedEnvironment {
    const dir = path.join(this.root, env);
    const before = existingFiles(dir);
    const folders = new Set<string>();
    let written = 0;
    for (const [file, content] of files) {
      const target = path.join(dir, file);
      if (before.has(file) && sameContent(target, content)) continue;
      const folder = path.dirname(target);
      if (!folders.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      fs.writeFileSync(target, content);
      written++;
    }
    let removed = 0;
    for (const file of before) {
      if (files.has(file)) continue;
      fs.rmSync(path.join(dir, file), { force: true });
      removed++;
    }
    if (removed > 0) removeEmptyFolders(dir);
    return { env, dir, objects: files.size, written, removed };
  }
}

function removeEmptyFolders(dir: string): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const sub = path.join(dir, e.name);
    removeEmptyFolders(sub);
    if (fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
  }
}
