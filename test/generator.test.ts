/**
 * The suite tests the generator, not the user's instance of it: no test reads platform.yaml, so
 * replacing it with any other valid config keeps `npm test` green.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadPlatformConfig } from '../config';
import { USER_CONFIG } from './harness/no-user-files';
import { EXAMPLE_CONFIG, filesUnder } from './harness/files';

describe('tests never read the user\'s platform.yaml', () => {
  it('fails a test that loads the user\'s platform.yaml', () => {
    expect(() => loadPlatformConfig(USER_CONFIG)).toThrow(/the user's own config: test the generator on test\/fixtures/);
    expect(() => fs.readFileSync(path.join(__dirname, '..', 'platform.yaml'), 'utf8')).toThrow(/the user's own config/);
  });

  it('lets a test load a fixture, including the example copied from platform.yaml', () => {
    expect(loadPlatformConfig(EXAMPLE_CONFIG).organization.name).toMatch(/^[a-z]/);
  });

  it('gives every subprocess that synthesizes an explicit PLATFORM_CONFIG (the guard cannot reach child processes)', () => {
    const spawning = filesUnder(__dirname, /\.ts$/).filter((f) => /synth-app\.js|'cdk8s', \[?'synth'|npx', \['cdk8s/.test(fs.readFileSync(f, 'utf8')));
    expect(spawning.length).toBeGreaterThan(0);
    for (const file of spawning) expect({ file, setsConfig: fs.readFileSync(file, 'utf8').includes('PLATFORM_CONFIG') }).toEqual({ file, setsConfig: true });
  });
});
