/**
 * Reads platform.yaml and turns every problem into one line a person can act on:
 * `<file>: <field path>: expected <what>, found <what>`.
 */
import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { platformSchema, PlatformConfig } from './schema';

/** A problem with the user's config. The message is complete; callers print it and exit non-zero. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(problems.length === 1
      ? problems[0]
      : `${file} has ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Load, parse and validate a platform config file. Throws ConfigError on any problem. */
export function loadPlatformConfig(file: string): PlatformConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ConfigError(file, [`${file}: expected a readable platform config file, found ${reason}`]);
  }
  return parsePlatformConfig(text, file);
}

/** Parse and validate config text; `file` is only used in messages. */
export function parsePlatformConfig(text: string, file = 'platform.yaml'): PlatformConfig {
  let raw: unknown;
  try {
    // JSON_SCHEMA: no YAML 1.1 surprises (`no` becoming false, dates, octal); duplicate keys are errors.
    raw = yaml.load(text, { filename: file, schema: yaml.JSON_SCHEMA });
  } catch (e) {
    const err = e as yaml.YAMLException;
    const where = err.mark ? `${file}:${err.mark.line + 1}:${err.mark.column + 1}` : file;
    throw new ConfigError(file, [`${where}: expected valid YAML, found a syntax error: ${err.reason}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, [`${file}: (top level): expected a mapping of settings, found ${raw === undefined ? 'an empty file' : describe(raw)}`]);
  }
  // reportInput: a rule about a defaulted field can say which value it found (the default).
  const result = platformSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(file, result.error.issues.flatMap((i) => formatIssue(file, i, raw)));
  }
  return result.data;
}

/** `teams[0].apps[1].name` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number' || /^[0-9]+$/.test(String(part))) out += `[${String(part)}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

function formatIssue(file: string, issue: z.core.$ZodIssue, raw: unknown): string[] {
  const at = (path: ReadonlyArray<PropertyKey>) => `${file}: ${formatPath(path)}`;
  const found = valueAt(raw, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) =>
        `${at([...issue.path, key])}: expected one of the known fields (${known.join(', ')}), found unknown field "${key}"`);
    }
    case 'invalid_type':
      return [`${at(issue.path)}: expected ${typeName(issue.expected)}, found ${found === undefined ? 'nothing (required field is missing)' : describe(found)}`];
    case 'invalid_value':
      return [`${at(issue.path)}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describe(found)}`];
    case 'too_small':
      return [`${at(issue.path)}: expected ${bound('at least', issue.origin, issue.minimum)}, found ${describe(found)}`];
    case 'too_big':
      return [`${at(issue.path)}: expected ${bound('at most', issue.origin, issue.maximum)}, found ${describe(found)}`];
    default:
      // Our own rules (regex, refinements, cross-field checks) phrase the expectation in the message.
      if (found === undefined && 'input' in issue && issue.input !== undefined) return [`${at(issue.path)}: expected ${issue.message}, found ${describe(issue.input)} (the default)`];
      return [`${at(issue.path)}: expected ${issue.message}, found ${describe(found)}`];
  }
}

function bound(word: string, origin: string, n: number | bigint): string {
  if (origin === 'array') return `${word} ${n} item${n === 1 ? '' : 's'}`;
  if (origin === 'string') return `${word} ${n} characters`;
  return `a number ${word} ${n}`;
}

function typeName(t: string): string {
  return ({ string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'a mapping' } as Record<string, string>)[t] ?? t;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list ${truncate(JSON.stringify(v))}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return truncate(JSON.stringify(v));
  return `${typeof v} ${String(v)}`;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p as string];
  }
  return cur;
}

/** Field names the schema allows at a path, for "did you mean" style messages. */
function knownKeys(path: ReadonlyArray<PropertyKey>): string[] {
  let node: z.core.$ZodType | undefined = platformSchema;
  const unwrap = (n: z.core.$ZodType): z.core.$ZodType => {
    const def = n._zod.def as unknown as { type: string; innerType?: z.core.$ZodType };
    return def.innerType && ['optional', 'default', 'nullable', 'prefault'].includes(def.type) ? unwrap(def.innerType) : n;
  };
  for (const p of [...path, undefined]) {
    if (!node) return [];
    node = unwrap(node);
    const def = node._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType; keyType?: z.core.$ZodType };
    // A record keyed by an enum (environments[].addonVersions) knows its keys too.
    const recordKeys = (def.keyType?._zod.def as unknown as { entries?: Record<string, string> } | undefined)?.entries;
    if (p === undefined) return def.shape ? Object.keys(def.shape) : Object.values(recordKeys ?? {});
    node = def.type === 'array' ? def.element : def.shape?.[p as string];
  }
  return [];
}
