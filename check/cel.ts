/**
 * The CEL environment of the Kubernetes API server, on @bufbuild/cel (a real CEL engine: parser,
 * macros, RE2 `matches`, durations, the strings extension). It evaluates the rules that CRDs carry
 * (`x-kubernetes-validations`) and ValidatingAdmissionPolicy expressions, so no code of ours
 * reimplements what the API server decides.
 *
 * Stable API:
 *   compileCel(expr)        -> (vars) => result   throws CelCompileError on a syntax error or an
 *                                                 unknown function; the program throws
 *                                                 CelEvaluationError when evaluation fails
 *   toCel(json, schema?)    JSON (as read from YAML) -> CEL input: objects become Maps, integers
 *                           BigInt (doubles where the OpenAPI schema says `type: number`)
 *   fromCel(value)          CEL result -> plain JSON-like value (BigInt -> number when safe)
 *
 * Kubernetes libraries added on top of the engine (k8s.io/apiserver/pkg/cel/library):
 *   regex   s.find(re), s.findAll(re), s.findAll(re, n)
 *   lists   l.isSorted(), l.sum(), l.min(), l.max(), l.indexOf(x), l.lastIndexOf(x)
 *   ip      isIP(s), ip(s), ip.family(), ip.isUnspecified(), ip.isLoopback(), ip.isGlobalUnicast(),
 *           ip.isLinkLocalUnicast(), ip.isLinkLocalMulticast(), ip.isCanonical(s), string(ip)
 *   cidr    isCIDR(s), cidr(s), c.containsIP(ip|s), c.containsCIDR(c|s), c.ip(), c.masked(),
 *           c.prefixLength(), string(cidr)
 *   url     isURL(s), url(s), u.getScheme(), u.getHost(), u.getHostname(), u.getPort(),
 *           u.getEscapedPath(), u.getQuery()
 *   quantity isQuantity(s), quantity(s), q.isInteger(), q.asInteger(), q.asApproximateFloat(),
 *           q.sign(), q.isGreaterThan(q), q.isLessThan(q), q.compareTo(q), q.add(q|int), q.sub(q|int)
 * The strings extension (charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split,
 * substring, trim, join, format, strings.quote) comes with @bufbuild/cel.
 *
 * Known differences from the API server: no static type check (a type error shows at evaluation),
 * no cost limits, `find`/`findAll` use JavaScript regular expressions (RE2 patterns without
 * look-around behave the same; a leading `(?i)`, `(?s)` or `(?m)` is turned into a flag).
 * IP, CIDR, URL and Quantity values are tagged maps inside the engine: equal values compare equal.
 */
import * as net from 'net';
import {
  celEnv, celFunc, celMethod, celList, celMap, CelScalar, isCelError, isCelList, isCelMap, isCelUint,
  listType, mapType, parse, plan,
} from '@bufbuild/cel';
import type { CelFunc, CelInput, CelMap, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/** A compiled CEL expression: bind variables (plain JSON or CEL values) and get the result. */
export type CelProgram = (vars: Record<string, unknown>) => unknown;

export class CelCompileError extends Error {
  constructor(readonly expr: string, reason: string) {
    super(`cannot compile CEL ${JSON.stringify(expr)}: ${reason}`);
    this.name = 'CelCompileError';
  }
}

export class CelEvaluationError extends Error {
  constructor(readonly expr: string, reason: string) {
    super(`CEL evaluation failed for ${JSON.stringify(expr)}: ${reason}`);
    this.name = 'CelEvaluationError';
  }
}

const { STRING, INT, BOOL, DOUBLE, DYN } = CelScalar;
const LIST = listType(DYN);
const MAP = mapType(DYN, DYN);
const TAG = '@k8s';

// ---------------------------------------------------------------- opaque Kubernetes types

type Tag = 'ip' | 'cidr' | 'url' | 'quantity';

function tagged(tag: Tag, fields: Record<string, CelInput>): CelMap {
  return celMap(new Map<string, CelInput>([[TAG, tag], ...Object.entries(fields)]));
}

function field(self: CelValue, tag: Tag, name: string): any {
  if (!isCelMap(self) || self.get(TAG) !== tag) throw new Error(`no such overload: receiver is not a ${tag}`);
  return self.get(name);
}

/** A method on one of the tagged types (they are maps inside the engine). */
function typedMethod(tag: Tag, name: string, args: readonly any[], result: any, impl: (self: CelMap, ...a: any[]) => unknown): CelFunc {
  return celMethod(name, MAP, args as any, result, function (this: CelValue, ...a: any[]) {
    field(this, tag, TAG as never);
    return impl(this as CelMap, ...a) as any;
  } as any);
}

// ---------------------------------------------------------------- ip and cidr

/** Kubernetes parses strictly: no zones, no IPv4-mapped IPv6 addresses, no leading zeros. */
function parseIP(s: string): { family: 4 | 6; bytes: number[] } | undefined {
  if (s.includes('%')) return undefined;
  const family = net.isIP(s);
  if (family === 4) {
    const parts = s.split('.');
    if (parts.some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return { family: 4, bytes: parts.map(Number) };
  }
  if (family === 6) {
    if (/\d+\.\d+\.\d+\.\d+$/.test(s)) return undefined; // IPv4 in IPv6 notation is refused
    const [head, tail] = s.split('::');
    const groups = (x: string | undefined) => (x ? x.split(':').map((g) => parseInt(g, 16)) : []);
    const h = groups(head), t = groups(tail);
    const all = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
    return { family: 6, bytes: all.flatMap((g) => [g >> 8, g & 255]) };
  }
  return undefined;
}

function formatIP(bytes: number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i] << 8) | bytes[2 * i + 1]);
  // RFC 5952: compress the longest run (>= 2) of zero groups.
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

const ipValue = (s: string) => {
  const p = parseIP(s);
  if (!p) throw new Error(`IP Address '${s}' parse error during conversion from string`);
  return tagged('ip', { value: formatIP(p.bytes) });
};
const ipBytes = (self: CelMap) => parseIP(field(self, 'ip', 'value'))!.bytes;

function parseCIDR(s: string): { bytes: number[]; prefix: number } | undefined {
  const [addr, len, ...rest] = s.split('/');
  if (rest.length || len === undefined || !/^(0|[1-9]\d*)$/.test(len)) return undefined;
  const ip = parseIP(addr);
  const prefix = Number(len);
  if (!ip || prefix > ip.bytes.length * 8) return undefined;
  return { bytes: ip.bytes, prefix };
}

function mask(bytes: number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & (bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff);
  });
}

const cidrValue = (s: string) => {
  const c = parseCIDR(s);
  if (!c) throw new Error(`network address parse error during conversion from string: ${s}`);
  return tagged('cidr', { value: `${formatIP(c.bytes)}/${c.prefix}` });
};
const cidrParts = (self: CelMap) => parseCIDR(field(self, 'cidr', 'value'))!;

function cidrContains(self: CelMap, bytes: number[], prefix: number): boolean {
  const c = cidrParts(self);
  return bytes.length === c.bytes.length && prefix >= c.prefix
    && mask(bytes, c.prefix).every((b, i) => b === mask(c.bytes, c.prefix)[i]);
}

const ipArg = (x: CelValue) => (typeof x === 'string' ? ipValue(x) : (x as CelMap));
const cidrArg = (x: CelValue) => (typeof x === 'string' ? cidrValue(x) : (x as CelMap));

// ---------------------------------------------------------------- url

function parseURL(s: string): URL | undefined {
  // Go's url.ParseRequestURI: absolute URI or absolute path, no fragment.
  if (s.includes('#')) return undefined;
  try {
    return new URL(s.startsWith('/') ? `k8s-path:${s}` : s);
  } catch {
    return undefined;
  }
}
const urlValue = (s: string) => {
  if (!parseURL(s)) throw new Error(`URL parse error during conversion from string: ${s}`);
  return tagged('url', { value: s });
};
const urlOf = (self: CelMap) => {
  const s: string = field(self, 'url', 'value');
  return { s, u: parseURL(s)!, pathOnly: s.startsWith('/') };
};

// ---------------------------------------------------------------- quantity

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 10n ** 9n;

/** A quantity as an exact count of nano-units (rounded up like the API server rounds). */
function parseQuantity(s: string): bigint | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/.exec(s);
  if (!m) return undefined;
  const [, sign, num, suffix = '', exp] = m;
  const [int, frac = ''] = num.split('.');
  let value = BigInt(`${int || '0'}${frac}`); // scaled by 10^frac.length
  let scale = -frac.length; // value * 10^scale
  let multiplier = 1n;
  if (BINARY[suffix]) multiplier = BINARY[suffix];
  else if (exp !== undefined) scale += Number(exp);
  else scale += DECIMAL[suffix];
  value *= multiplier;
  scale += 9; // nano-units
  const out = scale >= 0 ? value * 10n ** BigInt(scale) : (value + 10n ** BigInt(-scale) - 1n) / 10n ** BigInt(-scale);
  return sign === '-' ? -out : out;
}
const quantityValue = (s: string) => {
  const q = parseQuantity(s);
  if (q === undefined) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${s}`);
  return tagged('quantity', { nano: q });
};
const nanoOf = (x: CelValue): bigint => (typeof x === 'bigint' ? x * NANO : field(x, 'quantity', 'nano'));
const quantityOfNano = (nano: bigint) => tagged('quantity', { nano });

// ---------------------------------------------------------------- regex and lists

function jsRegExp(pattern: string, global: boolean): RegExp {
  let flags = global ? 'gu' : 'u';
  const lead = /^\(\?([ims]+)\)/.exec(pattern);
  if (lead) { flags += lead[1]; pattern = pattern.slice(lead[0].length); }
  return new RegExp(pattern, flags);
}

const listValues = (l: CelValue): CelValue[] => [...(l as Iterable<CelValue>)];
function compare(a: CelValue, b: CelValue): number {
  if (typeof a === 'bigint' || typeof a === 'number') return Number(a) - Number(b as number);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (isCelMap(a) && a.get(TAG) === 'quantity') { const d = nanoOf(a) - nanoOf(b); return d < 0n ? -1 : d > 0n ? 1 : 0; }
  throw new Error('no such overload: list elements are not comparable');
}
const celEquals = (a: CelValue, b: CelValue) => compare(a, b) === 0;

// ---------------------------------------------------------------- the library

const KUBERNETES_FUNCTIONS: CelFunc[] = [
  // regex
  celMethod('find', STRING, [STRING], STRING, function (this: string, re: string) { return jsRegExp(re, false).exec(this)?.[0] ?? ''; }),
  celMethod('findAll', STRING, [STRING], LIST, function (this: string, re: string) { return celList([...this.matchAll(jsRegExp(re, true))].map((m) => m[0])); }),
  celMethod('findAll', STRING, [STRING, INT], LIST, function (this: string, re: string, n: bigint) {
    const all = [...this.matchAll(jsRegExp(re, true))].map((m) => m[0]);
    return celList(n < 0n ? all : all.slice(0, Number(n)));
  }),
  // lists
  celMethod('isSorted', LIST, [], BOOL, function (this: CelValue) { const v = listValues(this); return v.every((x, i) => i === 0 || compare(v[i - 1], x) <= 0); }),
  celMethod('sum', LIST, [], DYN, function (this: CelValue) {
    const v = listValues(this);
    if (v.length === 0) return 0n;
    if (typeof v[0] === 'number') return v.reduce((s: number, x) => s + Number(x), 0);
    if (isCelMap(v[0])) return quantityOfNano(v.reduce((s: bigint, x) => s + nanoOf(x), 0n));
    return v.reduce((s: bigint, x) => s + (x as bigint), 0n);
  } as any),
  celMethod('min', LIST, [], DYN, function (this: CelValue) { const v = listValues(this); if (!v.length) throw new Error('min called on empty list'); return v.reduce((a, b) => (compare(b, a) < 0 ? b : a)); } as any),
  celMethod('max', LIST, [], DYN, function (this: CelValue) { const v = listValues(this); if (!v.length) throw new Error('max called on empty list'); return v.reduce((a, b) => (compare(b, a) > 0 ? b : a)); } as any),
  celMethod('indexOf', LIST, [DYN], INT, function (this: CelValue, x: CelValue) { return BigInt(listValues(this).findIndex((y) => celEquals(y, x))); }),
  celMethod('lastIndexOf', LIST, [DYN], INT, function (this: CelValue, x: CelValue) {
    const v = listValues(this); for (let i = v.length - 1; i >= 0; i--) if (celEquals(v[i], x)) return BigInt(i); return -1n;
  }),
  // ip
  celFunc('isIP', [STRING], BOOL, (s: string) => parseIP(s) !== undefined),
  celFunc('ip', [STRING], MAP, (s: string) => ipValue(s)),
  celFunc('ip.isCanonical', [STRING], BOOL, (s: string) => { const p = parseIP(s); if (!p) throw new Error(`IP Address '${s}' parse error`); return formatIP(p.bytes) === s; }),
  typedMethod('ip', 'family', [], INT, (self) => BigInt(ipBytes(self).length === 4 ? 4 : 6)),
  typedMethod('ip', 'isUnspecified', [], BOOL, (self) => ipBytes(self).every((b) => b === 0)),
  typedMethod('ip', 'isLoopback', [], BOOL, (self) => { const b = ipBytes(self); return b.length === 4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1; }),
  typedMethod('ip', 'isLinkLocalMulticast', [], BOOL, (self) => { const b = ipBytes(self); return b.length === 4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 2; }),
  typedMethod('ip', 'isLinkLocalUnicast', [], BOOL, (self) => { const b = ipBytes(self); return b.length === 4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80; }),
  typedMethod('ip', 'isGlobalUnicast', [], BOOL, (self) => {
    const b = ipBytes(self);
    if (b.length === 4) return !(b.every((x) => x === 0) || b[0] === 127 || b[0] >= 224 || (b[0] === 169 && b[1] === 254) || b.every((x) => x === 255));
    return !(b.every((x) => x === 0) || (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) || b[0] === 0xff || (b[0] === 0xfe && (b[1] & 0xc0) === 0x80));
  }),
  // cidr
  celFunc('isCIDR', [STRING], BOOL, (s: string) => parseCIDR(s) !== undefined),
  celFunc('cidr', [STRING], MAP, (s: string) => cidrValue(s)),
  typedMethod('cidr', 'containsIP', [DYN], BOOL, (self, x) => cidrContains(self, ipBytes(ipArg(x)), ipBytes(ipArg(x)).length * 8)),
  typedMethod('cidr', 'containsCIDR', [DYN], BOOL, (self, x) => { const c = cidrParts(cidrArg(x)); return cidrContains(self, c.bytes, c.prefix); }),
  typedMethod('cidr', 'ip', [], MAP, (self) => tagged('ip', { value: formatIP(cidrParts(self).bytes) })),
  typedMethod('cidr', 'masked', [], MAP, (self) => { const c = cidrParts(self); return tagged('cidr', { value: `${formatIP(mask(c.bytes, c.prefix))}/${c.prefix}` }); }),
  typedMethod('cidr', 'prefixLength', [], INT, (self) => BigInt(cidrParts(self).prefix)),
  // url
  celFunc('isURL', [STRING], BOOL, (s: string) => parseURL(s) !== undefined),
  celFunc('url', [STRING], MAP, (s: string) => urlValue(s)),
  typedMethod('url', 'getScheme', [], STRING, (self) => { const { u, pathOnly } = urlOf(self); return pathOnly ? '' : u.protocol.replace(/:$/, ''); }),
  typedMethod('url', 'getHost', [], STRING, (self) => { const { u, pathOnly } = urlOf(self); return pathOnly ? '' : u.host; }),
  typedMethod('url', 'getHostname', [], STRING, (self) => { const { u, pathOnly } = urlOf(self); return pathOnly ? '' : u.hostname.replace(/^\[|\]$/g, ''); }),
  typedMethod('url', 'getPort', [], STRING, (self) => { const { u, pathOnly } = urlOf(self); return pathOnly ? '' : u.port; }),
  typedMethod('url', 'getEscapedPath', [], STRING, (self) => urlOf(self).u.pathname),
  typedMethod('url', 'getQuery', [], MAP, (self) => {
    const q = new Map<string, string[]>();
    for (const [k, v] of urlOf(self).u.searchParams) q.set(k, [...(q.get(k) ?? []), v]);
    return celMap(new Map([...q].map(([k, v]) => [k, celList(v)])));
  }),
  // quantity
  celFunc('isQuantity', [STRING], BOOL, (s: string) => parseQuantity(s) !== undefined),
  celFunc('quantity', [STRING], MAP, (s: string) => quantityValue(s)),
  typedMethod('quantity', 'isInteger', [], BOOL, (self) => nanoOf(self) % NANO === 0n),
  typedMethod('quantity', 'asInteger', [], INT, (self) => {
    const n = nanoOf(self);
    if (n % NANO !== 0n) throw new Error('cannot convert value to integer');
    return n / NANO;
  }),
  typedMethod('quantity', 'asApproximateFloat', [], DOUBLE, (self) => Number(nanoOf(self)) / 1e9),
  typedMethod('quantity', 'sign', [], INT, (self) => { const n = nanoOf(self); return n > 0n ? 1n : n < 0n ? -1n : 0n; }),
  typedMethod('quantity', 'isGreaterThan', [DYN], BOOL, (self, o) => nanoOf(self) > nanoOf(o)),
  typedMethod('quantity', 'isLessThan', [DYN], BOOL, (self, o) => nanoOf(self) < nanoOf(o)),
  typedMethod('quantity', 'compareTo', [DYN], INT, (self, o) => BigInt(compare(self, o))),
  typedMethod('quantity', 'add', [DYN], MAP, (self, o) => quantityOfNano(nanoOf(self) + nanoOf(o))),
  typedMethod('quantity', 'sub', [DYN], MAP, (self, o) => quantityOfNano(nanoOf(self) - nanoOf(o))),
  // string(ip), string(cidr), string(url)
  celFunc('string', [MAP], STRING, (m: CelValue) => {
    const tag = isCelMap(m) ? m.get(TAG) : undefined;
    if (tag === 'ip' || tag === 'cidr' || tag === 'url') return (m as CelMap).get('value') as string;
    throw new Error('no such overload: string(map)');
  }),
];

const ENV = celEnv({ funcs: [...strings, ...KUBERNETES_FUNCTIONS] });

// Names the engine resolves; used to refuse a misspelt function when compiling, not when evaluating.
const MACROS_AND_OPERATORS = new Set(['has', 'all', 'exists', 'exists_one', 'map', 'filter', '@in', '@not_strictly_false']);
const isKnownFunction = (name: string) => name.startsWith('_') || MACROS_AND_OPERATORS.has(name) || ENV.funcs.find(name) !== undefined;

function calledFunctions(node: unknown, out: Set<string>): Set<string> {
  if (!node || typeof node !== 'object') return out;
  const n = node as { exprKind?: { case?: string; value?: { function?: string; target?: any } } };
  if (n.exprKind?.case === 'callExpr' && n.exprKind.value?.function) {
    const { function: name, target } = n.exprKind.value;
    // ip.isCanonical(s) parses as a method on the identifier `ip`: it may be a namespaced function.
    const namespace = target?.exprKind?.case === 'identExpr' ? `${target.exprKind.value.name}.` : '';
    out.add(namespace && isKnownFunction(`${namespace}${name}`) ? `${namespace}${name}` : name);
  }
  for (const v of Object.values(node)) {
    if (v && typeof v === 'object') {
      if (Array.isArray(v)) v.forEach((x) => calledFunctions(x, out));
      else calledFunctions(v, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------- JSON <-> CEL

/** An OpenAPI schema node, as far as the conversion cares. */
export interface CelSchemaHint {
  readonly type?: string;
  readonly properties?: Record<string, CelSchemaHint>;
  readonly additionalProperties?: CelSchemaHint | boolean;
  readonly items?: CelSchemaHint;
}

const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
  'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);

/**
 * How a rule names a declared property (apiextensions escaping): `namespace` is `__namespace__`,
 * `x-y` is `x__dash__y`, `a.b` is `a__dot__b`, `a/b` is `a__slash__b`, `__` is `__underscores__`.
 */
export function celPropertyName(name: string): string {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

/**
 * JSON (as parsed from YAML) to a CEL input. With a schema, `type: number` values stay doubles even
 * when they are whole (as the API server types them), and declared properties get the names rules
 * use for them (celPropertyName); without one, whole numbers are ints and keys stay as they are.
 */
export function toCel(json: unknown, schema?: CelSchemaHint): CelInput {
  if (json === null || json === undefined) return null;
  if (typeof json === 'number') return schema?.type === 'number' || !Number.isInteger(json) ? json : BigInt(json);
  if (typeof json === 'string' || typeof json === 'boolean' || typeof json === 'bigint') return json;
  if (Array.isArray(json)) return json.map((x) => toCel(x, schema?.items));
  if (json instanceof Map || isCelMap(json) || isCelList(json)) return json as CelInput;
  const extra = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const declared = schema?.properties;
  return new Map(Object.entries(json as Record<string, unknown>)
    .map(([k, v]) => [declared?.[k] ? celPropertyName(k) : k, toCel(v, declared?.[k] ?? extra)] as [string, CelInput]));
}

/** A CEL result as plain JSON-like data (ints become numbers when they fit exactly). */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  if (isCelUint(value)) return fromCel(value.value);
  if (isCelList(value) || Array.isArray(value)) return [...(value as Iterable<unknown>)].map(fromCel);
  if (isCelMap(value) || value instanceof Map) {
    const m = value as ReadonlyMap<unknown, unknown>;
    const tag = m.get(TAG);
    if (tag === 'quantity') return `${fromCel(m.get('nano'))}n`;
    if (tag) return m.get('value');
    return Object.fromEntries([...m].map(([k, v]) => [String(fromCel(k)), fromCel(v)]));
  }
  if (value && typeof value === 'object' && 'message' in value && (value as any).message?.$typeName === 'google.protobuf.Duration') {
    const d = (value as any).message;
    return `${Number(d.seconds) + d.nanos / 1e9}s`;
  }
  return value;
}

// ---------------------------------------------------------------- compile

/**
 * Compile a CEL expression once; call the result with variables as often as needed. Variables may
 * be plain JSON (converted with toCel) or values already converted.
 */
export function compileCel(expr: string): CelProgram {
  let parsed;
  try {
    parsed = parse(expr);
  } catch (e) {
    throw new CelCompileError(expr, (e as Error).message.split('\n')[0]);
  }
  const unknown = [...calledFunctions(parsed, new Set())].filter((f) => !isKnownFunction(f));
  if (unknown.length) throw new CelCompileError(expr, `undeclared reference to ${unknown.map((f) => `'${f}'`).join(', ')}`);
  const program = plan(ENV, parsed);
  return (vars) => {
    const bindings = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, toCel(v)]));
    const result = program(bindings as any);
    if (isCelError(result)) throw new CelEvaluationError(expr, result.message);
    return result;
  };
}

/** Compile and run once; the result as plain data (see fromCel). */
export function evaluateCel(expr: string, vars: Record<string, unknown> = {}): unknown {
  return fromCel(compileCel(expr)(vars));
}
