/**
 * The configs the generator is tested on. Tests never read the user's platform.yaml: they assert
 * properties that must hold for every fixture here, so a user who edits platform.yaml keeps a green
 * `npm test` (their own gate is `npm run check`).
 *
 *   example       the shipped platform.yaml, copied
 *   kitchen-sink  three environments, fleet mode, Vault, OpenSearch, several apps, a one-environment team
 *   minimal       required fields only (every default), one environment, Cognito, a team with no apps
 */
import * as fs from 'fs';
import * as path from 'path';
import { EnvironmentNames, loadPlatformConfig, PlatformNames } from '../../config';
import { PlacedObject, synthesizeObjects } from './platform';

export const FIXTURE_DIR = path.resolve(__dirname, '..', 'fixtures', 'configs');

export interface Fixture {
  /** File name without .yaml. */
  readonly name: string;
  readonly file: string;
  readonly names: PlatformNames;
}

let loaded: Fixture[] | undefined;

/** Every valid fixture config, loaded once per test file. */
export function fixtures(): Fixture[] {
  loaded ??= fs.readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => {
    const file = path.join(FIXTURE_DIR, f);
    return { name: f.replace(/\.yaml$/, ''), file, names: new PlatformNames(loadPlatformConfig(file)) };
  });
  return loaded;
}

export function fixture(name: string): Fixture {
  const found = fixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name} in ${FIXTURE_DIR}`);
  return found;
}

/** One environment of one fixture; `label` ("kitchen-sink/production") names it in test titles. */
export interface FixtureEnvironment {
  readonly label: string;
  readonly fixture: Fixture;
  readonly names: EnvironmentNames;
}

/** Every environment of every fixture, for `describe.each(fixtureEnvironments())('$label', ...)`. */
export function fixtureEnvironments(): FixtureEnvironment[] {
  return fixtures().flatMap((f) => f.names.environments.map((names) => ({ label: `${f.name}/${names.env}`, fixture: f, names })));
}

const synthesized = new Map<string, PlacedObject[]>();

/** The synthesized objects of one fixture environment, cached per test file. */
export function objectsOf(env: FixtureEnvironment): PlacedObject[] {
  let objects = synthesized.get(env.label);
  if (!objects) synthesized.set(env.label, objects = synthesizeObjects(env.names));
  return objects;
}
