/**
 * The AWS foundation each environment gets, and its security properties, read from the Terraform
 * JSON that `cdktf synth` writes.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EKS_ADDONS, EnvironmentNames } from '../config';
import { UNSCOPABLE_ACTIONS } from '../infra/workload-identities';
import { loadBalancerControllerRelease } from '../charts/gateway/load-balancer-controller';
import { policyDocuments, synthesizeInfra, synthesizeInfraVariant } from './harness/infra';

const infra = synthesizeInfra();
const { names } = infra;

describe('stacks', () => {
  it('synthesizes shared state and registry stacks, and an AWS and a GitOps stack per environment', () => {
    expect(fs.readdirSync(path.join(infra.outdir, 'stacks')).sort())
      .toEqual(['dev', 'dev-gitops', 'prod', 'prod-gitops', 'registry', 'state-bootstrap']);
  });

  it.each(['dev', 'prod', 'registry', 'dev-gitops'])('keeps %s state in the encrypted, locked S3 backend', (stack) => {
    const backend = infra.stack(stack).terraform.backend.s3;
    expect(backend).toMatchObject({ bucket: names.stateBucket, encrypt: true, use_lockfile: true, region: 'eu-west-1' });
  });

  it('pins the AWS provider the bindings were generated for, and refuses other accounts', () => {
    const dev = infra.stack('dev');
    expect(dev.terraform.required_providers.aws.version).toBe('5.100.0');
    expect(dev.provider.aws[0].allowed_account_ids).toEqual(['123456789012']);
  });
});

describe('state bucket', () => {
  it('is versioned, KMS-encrypted, private, TLS-only and protected from destroy', () => {
    const s = 'state-bootstrap';
    expect(infra.stack(s).terraform.backend.local).toBeDefined();
    expect(infra.resources(s, 'aws_s3_bucket')[0]).toMatchObject({ bucket: names.stateBucket, lifecycle: { prevent_destroy: true } });
    expect(infra.resources(s, 'aws_s3_bucket_versioning')[0].versioning_configuration.status).toBe('Enabled');
    expect(infra.resources(s, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(infra.resources(s, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const policy = JSON.parse(infra.resources(s, 'aws_s3_bucket_policy')[0].policy);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });
});

describe.each(['dev', 'prod'])('environment %s', (envName) => {
  const env: EnvironmentNames = names.environment(envName);
  const cfg = env.environment;
  const res = (type: string) => infra.resources(envName, type);

  it('spans three AZs with private node subnets and public load balancer subnets, tagged for discovery', () => {
    expect(res('aws_vpc')).toEqual([expect.objectContaining({ cidr_block: cfg.vpcCidr, enable_dns_hostnames: true })]);
    const subnets = res('aws_subnet');
    const publicSubnets = subnets.filter((s) => s.tags['kubernetes.io/role/elb'] === '1');
    const privateSubnets = subnets.filter((s) => s.tags['kubernetes.io/role/internal-elb'] === '1');
    expect(publicSubnets).toHaveLength(3);
    expect(privateSubnets).toHaveLength(3);
    expect(publicSubnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it(`runs ${envName === 'prod' ? 'a NAT gateway per AZ' : 'one NAT gateway'} and records flow logs`, () => {
    expect(res('aws_nat_gateway')).toHaveLength(cfg.production ? 3 : 1);
    expect(res('aws_flow_log')).toEqual([expect.objectContaining({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' })]);
  });

  it('creates the cluster at the configured version with encryption, all control-plane logs and API auth', () => {
    const [cluster] = res('aws_eks_cluster');
    expect(cluster).toMatchObject({
      name: env.clusterName,
      version: cfg.kubernetesVersion,
      enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      access_config: { authentication_mode: 'API' },
      vpc_config: { endpoint_private_access: true, endpoint_public_access: cfg.publicEndpoint },
    });
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(cluster.encryption_config.provider.key_arn).toMatch(/aws_kms_key/);
    if (cfg.publicEndpoint) expect(cluster.vpc_config.public_access_cidrs).toEqual(cfg.publicEndpointCidrs);
    const [key] = res('aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
  });

  it('lets people log in with the IdP, with the group prefix the RBAC bindings use', () => {
    const [idp] = res('aws_eks_identity_provider_config');
    expect(idp.oidc).toMatchObject({
      issuer_url: names.platform.identity.issuerURL,
      client_id: names.platform.identity.clients.kubernetes,
      groups_claim: 'groups',
      groups_prefix: env.oidcGroup(''),
    });
  });

  it('gives configured admin roles cluster-admin through access entries', () => {
    const standard = res('aws_eks_access_entry').filter((e) => e.type === 'STANDARD');
    expect(standard.map((e) => e.principal_arn)).toEqual(['arn:aws:iam::123456789012:role/PlatformAdmin']);
    expect(res('aws_eks_access_policy_association')[0].policy_arn).toContain('AmazonEKSClusterAdminPolicy');
  });

  it('sizes one managed system node group from config (Karpenter adds the rest)', () => {
    const groups = res('aws_eks_node_group');
    expect(groups.map((g) => [g.node_group_name, g.capacity_type, g.scaling_config])).toEqual([
      [`${env.clusterName}-system`, cfg.nodes.system.capacityType, { min_size: cfg.nodes.system.minSize, max_size: cfg.nodes.system.maxSize, desired_size: cfg.nodes.system.desiredSize }],
    ]);
  });

  it('installs the core add-ons at pinned versions', () => {
    const addons = Object.fromEntries(res('aws_eks_addon').map((a) => [a.addon_name, a.addon_version]));
    expect(addons).toEqual(EKS_ADDONS);
  });

  it('creates the Route53 zone for the environment domain and outputs its name servers', () => {
    expect(res('aws_route53_zone')).toEqual([expect.objectContaining({ name: cfg.domain })]);
    expect(Object.keys(infra.stack(envName).output)).toEqual(expect.arrayContaining(['cluster_endpoint', 'kubeconfig_command', 'zone_name_servers']));
  });

  it('binds each AWS-calling component to exactly the service account the charts use (Pod Identity)', () => {
    const associations = res('aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`).sort();
    expect(associations).toEqual(env.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount}`).sort());
    const roleNames = res('aws_iam_role').map((r) => r.name);
    for (const w of env.workloadIdentities) expect(roleNames).toContain(w.roleName);
  });

  it('limits External Secrets to this environment\'s platform prefix, and each team role to its own prefix', () => {
    const docs = policyDocuments(infra.stack(envName));
    const eso = docs.find((d) => d.where.includes('external-secrets-policy'))!.doc;
    expect(eso.Statement[0].Resource).toEqual([`arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/${envName}/platform/*`]);
    for (const team of env.teams) {
      const teamDoc = docs.find((d) => d.where.includes(`team-${team.name}-secrets-policy`))!.doc;
      expect(teamDoc.Statement[0].Resource).toEqual([`arn:aws:secretsmanager:eu-west-1:123456789012:secret:${env.teamSecretPrefix(team)}*`]);
    }
  });

  it('gives the load balancer controller a role bound to the chart\'s service account, changing only this cluster\'s load balancers', () => {
    const identity = env.workloadIdentity('load-balancer-controller');
    const association = res('aws_eks_pod_identity_association').find((a) => a.namespace === identity.namespace);
    expect(association).toMatchObject({ service_account: identity.serviceAccount, cluster_name: expect.stringContaining('aws_eks_cluster') });
    // The chart's values name the same service account (test/gateway.test.ts checks the chart side).
    expect(loadBalancerControllerRelease(env).values.serviceAccount).toEqual({ create: true, name: identity.serviceAccount });
    expect(loadBalancerControllerRelease(env).namespace).toBe(identity.namespace);
    const doc = policyDocuments(infra.stack(envName)).find((d) => d.where.includes('load-balancer-controller-policy'))!.doc;
    const mutating = doc.Statement.filter((st: any) => st.Action.some((a: string) => /^(elasticloadbalancing|ec2):(Create|Delete|Modify|Set|AddTags|RemoveTags|RegisterTargets|DeregisterTargets)/.test(a)
      && !/CreateListener|DeleteListener|ModifyListener|CreateSecurityGroup$/.test(a)));
    expect(mutating.length).toBeGreaterThan(0);
    for (const st of mutating) {
      const tags = { ...st.Condition?.StringEquals };
      expect({ actions: st.Action, tagged: Object.entries(tags).some(([k, v]) => /^aws:(Request|Resource)Tag\/elbv2\.k8s\.aws\/cluster$/.test(k) && v === env.clusterName) })
        .toEqual({ actions: st.Action, tagged: true });
    }
    expect(JSON.stringify(doc)).not.toMatch(/wafv2|shield:|cognito-idp|acm:/);
  });

  it('lets cert-manager and external-dns change records only in this environment\'s zone', () => {
    const docs = policyDocuments(infra.stack(envName));
    for (const component of ['cert-manager', 'external-dns']) {
      const doc = docs.find((d) => d.where.includes(`${component}-policy`))!.doc;
      const change = doc.Statement.find((s: any) => s.Action.includes('route53:ChangeResourceRecordSets'));
      expect(change.Resource).toEqual([expect.stringMatching(/aws_route53_zone\.zone.*\.arn/)]);
    }
  });
});

describe('IAM least privilege across every stack', () => {
  const stacks = ['dev', 'prod', 'registry', 'state-bootstrap', 'dev-gitops', 'prod-gitops'];
  const allowStatements = stacks.flatMap((s) => policyDocuments(infra.stack(s))
    .flatMap((d) => d.doc.Statement.filter((st: any) => st.Effect === 'Allow').map((st: any) => ({ where: `${s}:${d.where}`, kind: d.kind, st }))));

  it('finds the policies it checks', () => {
    expect(allowStatements.length).toBeGreaterThan(20);
  });

  it('grants no wildcard actions ("*" or "service:*")', () => {
    const wild = allowStatements.filter(({ st }) => st.Action.some((a: string) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)));
    expect(wild.map((w) => w.where)).toEqual([]);
  });

  it('uses Resource "*" only for actions AWS cannot scope, or in key policies (where it means the key)', () => {
    const wild = allowStatements.filter(({ kind, st }) => kind === 'identity'
      && (st.Resource ?? []).includes('*') && !st.Action.every((a: string) => UNSCOPABLE_ACTIONS.includes(a)));
    expect(wild.map((w) => `${w.where} ${w.st.Action}`)).toEqual([]);
  });

  it('lets only the Pod Identity agent of this account assume component roles', () => {
    const trusts = stacks.flatMap((s) => policyDocuments(infra.stack(s)).filter((d) => d.kind === 'trust'));
    const podTrusts = trusts.filter((t) => t.doc.Statement[0].Principal.Service === 'pods.eks.amazonaws.com');
    expect(podTrusts.length).toBeGreaterThan(0);
    for (const t of podTrusts) expect(t.doc.Statement[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '123456789012' } });
  });
});

describe('registry', () => {
  it('creates an immutable, scanned, KMS-encrypted repository with a lifecycle policy for every app', () => {
    const repos = infra.resources('registry', 'aws_ecr_repository');
    expect(repos.map((r) => r.name)).toEqual(['acme/payments/api']);
    expect(repos[0]).toMatchObject({ image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true }, encryption_configuration: [{ encryption_type: 'KMS' }] });
    expect(infra.resources('registry', 'aws_ecr_lifecycle_policy')).toHaveLength(1);
  });
});

describe('GitOps bootstrap', () => {
  it('installs the pinned Argo CD chart with the root Application, then leaves it to Argo CD', () => {
    const [release] = infra.resources('dev-gitops', 'helm_release');
    expect(release).toMatchObject({ chart: 'argo-cd', namespace: 'argocd', lifecycle: { ignore_changes: 'all' } });
    expect(release.version).toMatch(/^\d+\.\d+\.\d+$/);
    const values = JSON.parse(release.values[0]);
    const root = values.extraObjects.find((o: any) => o.kind === 'Application');
    expect(root.spec.source).toEqual({ repoURL: names.platform.gitops.repoURL, targetRevision: 'main', path: 'dist/dev/argocd-apps' });
  });
});

const mirror = '/opt/tf-plugins';
const haveTerraform = fs.existsSync(mirror) && (() => { try { execFileSync('terraform', ['version']); return true; } catch { return false; } })();
if (!haveTerraform) console.warn(`SKIPPED terraform validate: needs terraform and the AWS provider mirror at ${mirror}`);
(haveTerraform ? describe : describe.skip)('terraform validate (offline, AWS provider 5.100.0 mirror)', () => {
  const rc = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfrc-')), 'terraform.rc');
  fs.writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  // The example ships logs to Elasticsearch; the OpenSearch domain (ACM, custom endpoint) is checked in a variant.
  const opensearch = synthesizeInfraVariant((d) => { d.logging = { backend: 'opensearch' }; });
  it.each([
    ['dev', 'example', infra], ['registry', 'example', infra], ['state-bootstrap', 'example', infra], ['dev', 'logging.backend opensearch', opensearch],
  ])('accepts the %s stack (%s)', (stack, _variant, synthesized) => {
    const cwd = path.join(synthesized.outdir, 'stacks', stack);
    const env = { ...process.env, TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], { cwd, env, stdio: 'pipe' });
    expect(execFileSync('terraform', ['validate', '-no-color'], { cwd, env, encoding: 'utf8' })).toContain('The configuration is valid');
  });
});
