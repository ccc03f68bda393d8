/**
 * `npm run check`, the adopter's gate: passes every fixture's synthesized dist/, and fails, naming
 * the object and the reason, on each kind of problem it exists to catch.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { renderEnvironment } from '../charts/platform';
import { writeFiles } from '../charts/lib/manifest-writer';
import { runCheck } from '../scripts/check';
import { KUBERNETES_VERSIONS, SUPPORT_WARNING_DAYS } from '../config';
import { Fixture, fixture, fixtures } from './harness/fixtures';
import { describeWithSchemas } from './harness/schemas';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'check-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A fixture's dist/, as `npm run synth` writes it, in a scratch folder of its own. */
function synthesizedDist(f: Fixture): string {
  const dist = fs.mkdtempSync(path.join(scratch, `${f.name}-`));
  for (const env of f.names.environments) writeFiles(renderEnvironment(env), path.join(dist, env.env));
  return dist;
}

const ALL_TOOLS = { promtool: true, amtool: true };
/** A day no supported Kubernetes version is near the end of its standard support, so the passing runs stay quiet whenever they run. */
const DAY = 24 * 60 * 60 * 1000;
const firstEnd = Math.min(...Object.values(KUBERNETES_VERSIONS).map((v) => Date.parse(`${v.standardSupportEnds}T00:00:00Z`)));
const QUIET_DAY = new Date(firstEnd - (SUPPORT_WARNING_DAYS + 30) * DAY);

function check(f: Fixture, dist: string, extra: { env?: NodeJS.ProcessEnv; tools?: { promtool: boolean; amtool: boolean }; targets?: string[]; today?: Date } = {}) {
  let out = '';
  const env = { ...process.env, CI: '', PLATFORM_CONFIG: f.file, PLATFORM_DIST: dist, ...extra.env };
  const code = runCheck({ env, targets: extra.targets, tools: extra.tools ?? ALL_TOOLS, today: extra.today ?? QUIET_DAY, out: (s) => { out += s; } });
  return { code, out, summary: out.trim().split('\n').pop() };
}

const toolsPresent = ['promtool', 'amtool'].every((t) => { try { require('child_process').execFileSync(t, ['--version'], { stdio: 'pipe' }); return true; } catch { return false; } });
const withTools = toolsPresent ? describeWithSchemas : describe.skip;

withTools('npm run check', () => {
  describe.each(fixtures().map((f) => [f.name, f] as const))('on the dist of %s', (_name, f) => {
    it('passes every check, and finds dist/ fresh', () => {
      const { code, out, summary } = check(f, synthesizedDist(f));
      expect(out).toContain('fresh      ');
      expect(out).toMatch(/schemas +(\d+) of \1 objects valid for Kubernetes 1\.35\.0 and 1\.36\.0/);
      expect(summary).toMatch(/^check passed: \d+ objects in .*, 0 errors, \d+ warnings$/);
      // The only warnings allowed: an Alertmanager field Debian's old amtool does not know yet.
      const warnings = out.split('\n').filter((l) => /^\s*warning: /.test(l));
      for (const w of warnings) expect(w).toMatch(/^ {2}warning: .*: amtool: amtool [\d.]+ does not know url_file \(newer Alertmanager\): checked the rest/);
      expect(summary).toContain(`, ${warnings.length} warnings`);
      expect(code).toBe(0);
    });
  });

  it('warns, without failing, about an environment whose Kubernetes version leaves standard support within 60 days', () => {
    const f = fixture('example');
    const dist = synthesizedDist(f);
    const version = f.names.environments[0].environment.kubernetesVersion as keyof typeof KUBERNETES_VERSIONS;
    const ends = Date.parse(`${KUBERNETES_VERSIONS[version].standardSupportEnds}T00:00:00Z`);
    const soon = check(f, dist, { today: new Date(ends - 30 * DAY) });
    expect(soon.out).toMatch(new RegExp(`warning: environment ${f.names.environments[0].env}: EKS standard support for Kubernetes ${version.replace('.', '\\.')} ends in 30 days`));
    expect(soon.code).toBe(0);
    // The twin: 61 days before, nothing to say.
    expect(check(f, dist, { today: new Date(ends - (SUPPORT_WARNING_DAYS + 1) * DAY) }).out).not.toContain('EKS standard support');
  });

  describe('refusals', () => {
    const f = fixture('example');
    const env = f.names.environments[0].env;
    const fresh = () => synthesizedDist(f);
    const filesOf = (dist: string, kind: string) => fs.readdirSync(path.join(dist, env), { recursive: true, encoding: 'utf8' })
      .filter((p) => path.basename(p).startsWith(`${kind}.`)).map((p) => path.join(dist, env, p));

    it('fails a dist with a CRD CEL violation, naming the object, the field and the rule', () => {
      const dist = fresh();
      const route = {
        apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'payments' },
        spec: { parentRefs: [{ name: 'public', namespace: 'ingress' }], rules: [{ backendRefs: [{ name: 'shop', port: 80 }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https' } }] }] },
      };
      fs.mkdirSync(path.join(dist, env, 'routes'));
      fs.writeFileSync(path.join(dist, env, 'routes', 'HTTPRoute.payments.shop.yaml'), yaml.dump(route));
      const { code, out, summary } = check(f, dist);
      expect(out).toMatch(/HTTPRoute\/payments\/shop \(.*HTTPRoute\.payments\.shop\.yaml\): \/spec\/rules\/0: RequestRedirect filter must not be used together with backendRefs \(CEL rule: /);
      expect(summary).toMatch(/^check FAILED: .* 1 errors, 1 warnings$/); // the warning: dist/ has a file the config does not make
      expect(code).toBe(1);
      // The benign twin: the same route forwarding only.
      delete (route.spec.rules[0] as any).filters;
      fs.writeFileSync(path.join(dist, env, 'routes', 'HTTPRoute.payments.shop.yaml'), yaml.dump(route));
      expect(check(f, dist).code).toBe(0);
    });

    it('fails a PrometheusRule that promtool refuses, naming the object', () => {
      const dist = fresh();
      const file = filesOf(dist, 'PrometheusRule')[0];
      const rule: any = yaml.load(fs.readFileSync(file, 'utf8'));
      rule.spec.groups[0].rules[0].expr = 'sum(rate(http_requests_total[5m]) >';
      fs.writeFileSync(file, yaml.dump(rule));
      const { code, out } = check(f, dist);
      expect(out).toMatch(new RegExp(`PrometheusRule/${rule.metadata.namespace}/${rule.metadata.name} \\(.*\\): promtool: .*parse error`));
      expect(code).toBe(1);
    });

    it('fails an Alertmanager config that amtool refuses, naming the object', () => {
      const dist = fresh();
      const file = filesOf(dist, 'Application').find((p) => (yaml.load(fs.readFileSync(p, 'utf8')) as any).spec.source?.helm?.valuesObject?.alertmanager?.config)!;
      const app: any = yaml.load(fs.readFileSync(file, 'utf8'));
      app.spec.source.helm.valuesObject.alertmanager.config.route.receiver = 'nobody';
      fs.writeFileSync(file, yaml.dump(app));
      const { code, out } = check(f, dist);
      expect(out).toMatch(/Application\/argocd\/\S+ \(.*\): amtool: .*undefined receiver "nobody"/);
      expect(code).toBe(1);
    });

    it('fails an object that is not production-ready, with the check and how to fix it', () => {
      const dist = fresh();
      const file = filesOf(dist, 'Deployment')[0];
      const deployment: any = yaml.load(fs.readFileSync(file, 'utf8'));
      deployment.spec.template.spec.containers[0].image = 'registry.example/shop:latest';
      fs.writeFileSync(file, yaml.dump(deployment));
      const { code, out } = check(f, dist);
      expect(out).toMatch(/image-pinned\s+container \S+: image registry.example\/shop:latest uses latest\s+Use an immutable tag/);
      expect(code).toBe(1);
    });

    it('warns, without failing, when dist/ is not a fresh synth of the config', () => {
      const dist = fresh();
      const file = filesOf(dist, 'Namespace')[0] ?? filesOf(dist, 'ConfigMap')[0];
      fs.appendFileSync(file, '# edited by hand\n');
      const { code, out } = check(f, dist);
      expect(out).toContain(`warning: ${dist}/ is not a fresh synth of ${f.file}: 1 files differ (first: ${path.relative(dist, file)})`);
      expect(code).toBe(0);
    });

    it('fails an invalid config with its file, field and expectation', () => {
      const bad = path.join(scratch, 'bad-platform.yaml');
      const doc: any = yaml.load(fs.readFileSync(f.file, 'utf8'));
      doc.organization = 42;
      fs.writeFileSync(bad, yaml.dump(doc));
      const { code, out } = check(f, fresh(), { env: { PLATFORM_CONFIG: bad } });
      expect(out).toContain(`config     ${bad}: organization: expected`);
      expect(code).toBe(1);
    });

    it('says in one line when schemas or tools are missing: a warning locally, a failure in CI', () => {
      const dist = fresh();
      const noSchemas = { PLATFORM_SHARED_DIR: path.join(scratch, 'no-schemas') };
      const local = check(f, dist, { env: noSchemas, tools: { promtool: false, amtool: true } });
      expect(local.out.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
        expect.stringMatching(/^warning: schemas missing: .*npm run schemas/),
        expect.stringMatching(/^warning: promtool not found, \d+ PrometheusRules not checked: install it/),
      ]);
      expect(local.code).toBe(0);
      const ci = check(f, dist, { env: { ...noSchemas, CI: 'true' }, tools: { promtool: false, amtool: true } });
      expect(ci.out.split('\n').filter((l) => l.startsWith('error: '))).toHaveLength(2);
      expect(ci.code).toBe(1);
    });

    it('says so when the folder does not exist', () => {
      const { code, out } = check(f, fresh(), { targets: ['/nonexistent'] });
      expect(out).toContain('error: /nonexistent: no such file or folder');
      expect(code).toBe(2);
    });
  });
});
