/**
 * The schema validator for tests (check/manifest-validator.ts over the schema folder that
 * check/schema-files.ts finds). When no schema folder is found, test/harness/schema-gate.ts (jest
 * globalSetup) prints one line saying how to get one, and fails the run under CI=true; tests
 * that need schemas use `describeWithSchemas`, which skips them otherwise.
 */
import { ManifestValidator as CheckValidator } from '../../check/manifest-validator';
import { locateSchemas } from '../../check/schema-files';

export { loadManifests } from '../../check/manifest-validator';

export const schemaLocation = locateSchemas();

export function sharedSchemasAvailable(): boolean {
  return schemaLocation.found;
}

/** The validator over the located schemas (the folder argument stays for tests that pass one). */
export class ManifestValidator extends CheckValidator {
  constructor(schemaDir?: string) {
    if (!schemaDir && !schemaLocation.found) throw new Error(schemaLocation.message);
    super(schemaDir ?? (schemaLocation as { dir: string }).dir);
  }
}

let shared: ManifestValidator | undefined;
/** One validator per test file: compiled schemas are reused across tests. */
export function schemaValidator(): ManifestValidator {
  return shared ??= new ManifestValidator();
}

export const describeWithSchemas: jest.Describe = schemaLocation.found ? describe : describe.skip;
