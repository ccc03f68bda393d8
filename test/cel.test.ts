/**
 * The Kubernetes CEL environment (check/cel.ts): each library function the CRD rules and admission
 * policies use, with a case that holds and one that does not, so a function that always answers
 * the same fails here.
 */
import { CelCompileError, CelEvaluationError, compileCel, evaluateCel, fromCel, toCel } from '../check/cel';

const truthTable: Array<[string, string, string]> = [
  // [function, expression that is true, expression that is false]
  ['matches', "'gateway-1'.matches('^[a-z]+-[0-9]$')", "'Gateway'.matches('^[a-z]+$')"],
  ['find', "'abc123'.find('[0-9]+') == '123'", "'abc'.find('[0-9]+') != ''"],
  ['findAll', "'a1b2'.findAll('[0-9]') == ['1', '2']", "'a1b2c3'.findAll('[0-9]', 2).size() == 3"],
  ['split', "'a,b'.split(',') == ['a', 'b']", "'a,b'.split(',').size() == 1"],
  ['substring', "'hello'.substring(1, 3) == 'el'", "'hello'.substring(1) == 'hello'"],
  ['lowerAscii', "'AbC'.lowerAscii() == 'abc'", "'AbC'.lowerAscii() == 'AbC'"],
  ['upperAscii', "'abc'.upperAscii() == 'ABC'", "'abc'.upperAscii() == 'abc'"],
  ['join', "['a', 'b'].join('-') == 'a-b'", "['a', 'b'].join() == 'a-b'"],
  ['startsWith/endsWith', "'/api/v1'.startsWith('/api') && 'x.yaml'.endsWith('.yaml')", "'/api'.startsWith('/v1')"],
  ['duration', "duration('1h') > duration('30m')", "duration('1s') > duration('1m')"],
  ['int', "int('12') + 1 == 13", "int('12') == 11"],
  ['isIP', "isIP('10.0.0.1') && isIP('fd00::1')", "isIP('10.0.0.01') || isIP('10.0.0.1%eth0')"],
  ['ip', "ip('10.0.0.1').family() == 4 && ip('::1').isLoopback()", "ip('10.0.0.1').isLoopback()"],
  ['ip.isCanonical', "ip.isCanonical('2001:db8::1')", "ip.isCanonical('2001:DB8:0:0::1')"],
  ['isCIDR', "isCIDR('10.0.0.0/8')", "isCIDR('10.0.0.0/33')"],
  ['cidr', "cidr('10.0.0.0/8').containsIP('10.1.2.3') && cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", "cidr('10.0.0.0/8').containsIP(ip('11.1.2.3'))"],
  ['cidr.masked', "cidr('10.1.0.0/8').masked() == cidr('10.0.0.0/8')", "cidr('10.1.0.0/8') == cidr('10.0.0.0/8')"],
  ['isURL', "isURL('https://example.com/x')", "isURL('not a url')"],
  ['url', "url('https://a.example.com:8443/x?y=1').getHostname() == 'a.example.com' && url('https://a.example.com:8443/').getPort() == '8443'", "url('https://a.example.com/x').getScheme() == 'http'"],
  ['isQuantity', "isQuantity('1.5Gi')", "isQuantity('1.5 GB')"],
  ['quantity', "quantity('1Gi') == quantity('1024Mi') && quantity('500m').isLessThan(quantity('1'))", "quantity('1.5').isInteger()"],
  ['lists', "[1, 2, 3].isSorted() && [3, 1].sum() == 4 && [3, 1, 5].max() == 5 && ['a', 'b'].indexOf('b') == 1", "[2, 1].isSorted()"],
  ['has and macros', "has(self.spec) && self.spec.rules.all(r, r.port > 0) && self.spec.rules.exists_one(r, r.port == 80)", "self.spec.rules.exists(r, r.port > 443)"],
];

describe('the Kubernetes CEL environment', () => {
  const self = { spec: { rules: [{ port: 80 }, { port: 443 }] } };

  it.each(truthTable)('%s: true where it should be', (_fn, yes) => {
    expect(evaluateCel(yes, { self })).toBe(true);
  });

  it.each(truthTable)('%s: false where it should be', (_fn, _yes, no) => {
    expect(evaluateCel(no, { self })).toBe(false);
  });

  it('refuses to compile an unknown function, naming it', () => {
    expect(() => compileCel('self.size() > 0 && isIPAddress(self)')).toThrow(CelCompileError);
    expect(() => compileCel('isIPAddress(self)')).toThrow(/undeclared reference to 'isIPAddress'/);
  });

  it('refuses to compile a syntax error', () => {
    expect(() => compileCel('self.a ==')).toThrow(CelCompileError);
  });

  it('fails evaluation of a missing field, as the API server does (has() guards it)', () => {
    const program = compileCel('self.port > 0');
    expect(() => program({ self: {} })).toThrow(CelEvaluationError);
    expect(program({ self: { port: 1 } })).toBe(true);
  });

  it('types whole numbers as int, or as double where the schema says number', () => {
    expect(typeof toCel(3)).toBe('bigint');
    expect(toCel({ w: 3 }, { properties: { w: { type: 'number' } } })).toEqual(new Map([['w', 3]]));
    expect(evaluateCel('self.w / 2.0', { self: toCel({ w: 3 }, { properties: { w: { type: 'number' } } }) })).toBe(1.5);
    expect(evaluateCel('self.w / 2', { self: { w: 3 } })).toBe(1);
  });

  it('gives results back as plain data', () => {
    expect(fromCel(compileCel("{'a': [1, 'x'], 'b': ip('10.0.0.1')}")({}))).toEqual({ a: [1, 'x'], b: '10.0.0.1' });
  });
});
