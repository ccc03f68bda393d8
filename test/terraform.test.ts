/**
 * The real planner on every AWS stack of every fixture: `terraform validate`, then `terraform test`
 * with a mocked AWS provider running `command = plan` and `command = apply` (Terraform >= 1.7 plans
 * offline). It catches what JSON assertions cannot: wrong attribute names and types, provider-side
 * validation (ARN formats, launch template ids, add-on version formats), broken references and
 * expressions. The `<env>-gitops` stacks need the helm provider, which the offline mirror does not
 * hold; test/infra.test.ts and test/bootstrap-order.test.ts cover them.
 *
 * Needs terraform and a filesystem mirror of the AWS provider (TF_PLUGIN_MIRROR, default
 * /opt/tf-plugins). Without them the suite is skipped with one line, except in CI (CI=true), where it fails.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KUBERNETES_VERSIONS } from '../config';
import { fixtures } from './harness/fixtures';
import { synthesizeInfra } from './harness/infra';

const mirror = process.env.TF_PLUGIN_MIRROR ?? '/opt/tf-plugins';
const terraformVersion = (() => {
  try {
    return execFileSync('terraform', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0];
  } catch {
    return undefined;
  }
})();
const missing = !terraformVersion ? 'terraform is not on PATH' : !fs.existsSync(mirror) ? `no AWS provider mirror at ${mirror} (set TF_PLUGIN_MIRROR)` : undefined;

/**
 * Mock values where the provider validates what a resource returns (ARNs, ids with a prefix,
 * semantic versions) or an expression indexes into it.
 */
const MOCKS = `
mock_provider "aws" {
  mock_resource "aws_iam_role" { defaults = { arn = "arn:aws:iam::123456789012:role/mock" } }
  mock_resource "aws_kms_key" { defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" } }
  mock_resource "aws_route53_zone" { defaults = { arn = "arn:aws:route53:::hostedzone/Z0000000000000" } }
  mock_resource "aws_cloudwatch_log_group" { defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:mock" } }
  mock_resource "aws_eks_cluster" { defaults = { arn = "arn:aws:eks:eu-west-1:123456789012:cluster/mock", endpoint = "https://mock.eks.amazonaws.com" } }
  mock_resource "aws_opensearch_domain" { defaults = { arn = "arn:aws:es:eu-west-1:123456789012:domain/mock" } }
  mock_resource "aws_s3_bucket" { defaults = { arn = "arn:aws:s3:::mock" } }
  mock_resource "aws_sqs_queue" { defaults = { arn = "arn:aws:sqs:eu-west-1:123456789012:mock", url = "https://sqs.eu-west-1.amazonaws.com/123456789012/mock" } }
  mock_resource "aws_cloudwatch_event_rule" { defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/mock" } }
  mock_resource "aws_launch_template" { defaults = { id = "lt-0123456789abcdef0", latest_version = 1 } }
  mock_resource "aws_acm_certificate" {
    defaults = {
      arn = "arn:aws:acm:eu-west-1:123456789012:certificate/mock"
      domain_validation_options = [{ domain_name = "mock.example", resource_record_name = "_x.mock.example", resource_record_type = "CNAME", resource_record_value = "_y.acm-validations.aws" }]
    }
  }
  mock_data "aws_eks_addon_version" { defaults = { version = "v1.0.0-eksbuild.1" } }
  mock_data "aws_availability_zones" { defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] } }
}

`;

/**
 * What the bar asks of every environment, asserted on the values Terraform plans: the
 * cluster on a supported version, add-ons resolved for that version, nodes from launch templates
 * with IMDSv2 hop limit 1 and encrypted roots, and the VPC CNI enforcing network policy.
 */
export function planAssertions(doc: any, supportedVersions: string[]): string[] {
  const out: string[] = [];
  const assert = (condition: string, message: string) => out.push(`  assert {\n    condition     = ${condition}\n    error_message = ${JSON.stringify(message)}\n  }`);
  const ids = (type: string) => Object.keys(doc.resource?.[type] ?? {});
  for (const id of ids('aws_eks_cluster')) {
    assert(`contains(${JSON.stringify(supportedVersions)}, aws_eks_cluster.${id}.version)`, `cluster ${id} is not on a supported Kubernetes version`);
    for (const q of Object.keys(doc.data?.aws_eks_addon_version ?? {})) {
      assert(`data.aws_eks_addon_version.${q}.kubernetes_version == aws_eks_cluster.${id}.version`, `add-on version ${q} is not resolved for the cluster's Kubernetes version`);
    }
  }
  for (const id of ids('aws_launch_template')) {
    assert(`aws_launch_template.${id}.metadata_options[0].http_tokens == "required" && aws_launch_template.${id}.metadata_options[0].http_put_response_hop_limit == 1`, `launch template ${id} allows IMDSv1 or more than one hop`);
    assert(`alltrue([for b in aws_launch_template.${id}.block_device_mappings : b.ebs[0].encrypted == "true" && b.ebs[0].volume_type == "gp3"])`, `launch template ${id} has an unencrypted or non-gp3 volume`);
  }
  for (const id of ids('aws_eks_node_group')) {
    assert(`length(aws_eks_node_group.${id}.launch_template) == 1`, `node group ${id} has no launch template`);
  }
  for (const [id, addon] of Object.entries<any>(doc.resource?.aws_eks_addon ?? {})) {
    if (addon.addon_name === 'vpc-cni') assert(`jsondecode(aws_eks_addon.${id}.configuration_values).enableNetworkPolicy == "true"`, 'the VPC CNI does not enforce network policy');
  }
  return out;
}

function testFile(doc: any, supportedVersions: string[]): string {
  const asserts = planAssertions(doc, supportedVersions);
  return `${MOCKS}
run "plan" {
  command = plan
${asserts.join('\n')}
}

run "apply" {
  command = apply
}
`;
}


/** A copy of a synthesized stack that the test can apply and destroy: local state, no prevent_destroy. */
function testableCopy(stackDir: string, into: string, change: (doc: any) => void = () => undefined): void {
  const doc = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
  change(doc);
  delete doc.terraform.backend;
  for (const byId of Object.values<any>(doc.resource ?? {})) {
    for (const r of Object.values<any>(byId)) if (r.lifecycle) delete r.lifecycle.prevent_destroy;
  }
  fs.mkdirSync(path.join(into, 'tests'), { recursive: true });
  fs.writeFileSync(path.join(into, 'cdk.tf.json'), JSON.stringify(doc));
  fs.writeFileSync(path.join(into, 'tests', 'mocked.tftest.hcl'), testFile(doc, Object.keys(KUBERNETES_VERSIONS)));
}

if (missing && process.env.CI === 'true') {
  it('runs terraform validate and terraform test on every AWS stack (CI)', () => {
    throw new Error(`terraform test cannot run in CI: ${missing}`);
  });
} else if (missing) {
  console.warn(`SKIPPED terraform validate/test: ${missing}`);
  it.skip('runs terraform validate and terraform test on every AWS stack', () => undefined);
} else {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-test-'));
  const cache = path.join(work, 'plugin-cache');
  fs.mkdirSync(cache);
  const rc = path.join(work, 'terraform.rc');
  fs.writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\nplugin_cache_dir = "${cache}"\n`);
  const env = { ...process.env, TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  const tf = (cwd: string, ...args: string[]) => execFileSync('terraform', [...args, '-no-color'], { cwd, env, encoding: 'utf8', stdio: 'pipe' });

  describe.each(fixtures().map((f) => [f.name, f] as const))('Terraform on the AWS stacks of %s', (_name, f) => {
    const infra = synthesizeInfra(f.file);
    const awsStacks = fs.readdirSync(path.join(infra.outdir, 'stacks')).filter((s) => !s.endsWith('-gitops')).sort();

    it.each(awsStacks)('validates, plans and applies %s against a mocked AWS provider', (stack) => {
      const dir = path.join(work, f.name, stack);
      testableCopy(path.join(infra.outdir, 'stacks', stack), dir);
      tf(dir, 'init', '-backend=false', '-input=false');
      expect(tf(dir, 'validate')).toContain('The configuration is valid');
      let out: string;
      try {
        out = tf(dir, 'test');
      } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        throw new Error(`terraform test failed for ${f.name}/${stack}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`.slice(0, 6000));
      }
      expect(out).toMatch(/run "plan"\.\.\. pass/);
      expect(out).toMatch(/run "apply"\.\.\. pass/);
      expect(out).toContain('Success! 2 passed, 0 failed.');
      // Environment stacks carry the bar's assertions (cluster version, add-ons, launch templates, CNI).
      const doc = JSON.parse(fs.readFileSync(path.join(infra.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      if (doc.resource?.aws_eks_cluster) expect(planAssertions(doc, Object.keys(KUBERNETES_VERSIONS)).length).toBeGreaterThanOrEqual(10);
    }, 180_000);
  });

  describe('the plan assertions bite (hostile twin)', () => {
    const f = fixtures()[0];
    const infra = synthesizeInfra(f.file);
    const env = infra.names.environments[0].env;

    it('fails the plan of a stack whose node launch template allows two metadata hops', () => {
      const dir = path.join(work, 'hostile', env);
      testableCopy(path.join(infra.outdir, 'stacks', env), dir, (doc) => {
        for (const t of Object.values<any>(doc.resource.aws_launch_template)) t.metadata_options.http_put_response_hop_limit = 2;
      });
      tf(dir, 'init', '-backend=false', '-input=false');
      let out = '';
      try { out = tf(dir, 'test'); } catch (e) { out = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`; }
      expect(out).toMatch(/run "plan"\.\.\. fail/);
      expect(out).toMatch(/Test assertion failed[\s\S]*http_put_response_hop_limit is 2/);
    }, 180_000);
  });
}
