/**
 * The AWS foundation each environment gets, and its security properties, read from the Terraform
 * JSON that `cdktf synth` writes for every fixture config. test/terraform.test.ts runs the real
 * planner over the same stacks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EKS_ADDONS, KUBERNETES_VERSIONS, TERRAFORM_REQUIRED_VERSION } from '../config';
import { UNSCOPABLE_ACTIONS } from '../infra/workload-identities';
import { SERVICES_WITH_SOURCE_CONDITIONS } from '../infra/iam';
import { loadBalancerControllerRelease } from '../charts/gateway/load-balancer-controller';
import { VPC_CNI_CONFIGURATION } from '../infra/cluster';
import { BOOTSTRAP_RELEASES } from '../infra/stacks/gitops-bootstrap-stack';
import { repositoryCredentialFields } from '../charts/gitops';
import { Fixture, fixtureEnvironments, fixtures } from './harness/fixtures';
import { policyDocuments, SynthesizedInfra, synthesizeInfra } from './harness/infra';

const synthesized = new Map<string, SynthesizedInfra>();
const infraOf = (f: Fixture) => {
  if (!synthesized.has(f.name)) synthesized.set(f.name, synthesizeInfra(f.file));
  return synthesized.get(f.name)!;
};
/** `${aws_kms_key.kms_key_28C05A0F.arn}` -> the resource the reference points at. */
const ref = (type: string) => new RegExp(`^\\$\\{${type}\\.[A-Za-z0-9_-]+\\.`);
const idOf = (reference: string) => /^\$\{[a-z0-9_]+\.([A-Za-z0-9_-]+)\./.exec(reference)?.[1];

/** Trust statements AWS would let a principal other than the intended one use (the hostile twins below keep this honest). */
export function trustWeaknesses(doc: any, expect: { accountId: string; clusterArn?: string }): string[] {
  const out: string[] = [];
  for (const st of doc.Statement.filter((s: any) => s.Effect === 'Allow')) {
    const service = st.Principal?.Service;
    if (!service) continue; // AWS principals name one role; nothing else can assume through them
    const eq = st.Condition?.StringEquals ?? {};
    const needsSource = SERVICES_WITH_SOURCE_CONDITIONS.includes(service);
    if (needsSource && eq['aws:SourceAccount'] !== expect.accountId) out.push(`${service}: no aws:SourceAccount ${expect.accountId}`);
    if (service === 'pods.eks.amazonaws.com') {
      for (const tag of ['eks-cluster-arn', 'kubernetes-namespace', 'kubernetes-service-account']) {
        if (!eq[`aws:RequestTag/${tag}`]) out.push(`${service}: no aws:RequestTag/${tag}`);
      }
      if (expect.clusterArn && eq['aws:RequestTag/eks-cluster-arn'] !== expect.clusterArn) out.push(`${service}: another cluster's ARN`);
    }
  }
  return out;
}

describe('trustWeaknesses (the rule the trust tests apply)', () => {
  const pods = (condition?: object) => ({ Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'], ...(condition ? { Condition: condition } : {}) }] });
  const good = { StringEquals: { 'aws:SourceAccount': '1', 'aws:RequestTag/eks-cluster-arn': 'arn:c', 'aws:RequestTag/kubernetes-namespace': 'n', 'aws:RequestTag/kubernetes-service-account': 's' } };
  it('refuses a Pod Identity trust that checks only the account', () => {
    expect(trustWeaknesses(pods({ StringEquals: { 'aws:SourceAccount': '1' } }), { accountId: '1' })).toHaveLength(3);
  });
  it('refuses a Pod Identity trust bound to another cluster', () => {
    expect(trustWeaknesses(pods(good), { accountId: '1', clusterArn: 'arn:other' })).toEqual(['pods.eks.amazonaws.com: another cluster\'s ARN']);
  });
  it('refuses a flow-log trust without a source account', () => {
    expect(trustWeaknesses({ Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: ['sts:AssumeRole'] }] }, { accountId: '1' })).toHaveLength(1);
  });
  it('accepts a trust with every condition', () => {
    expect(trustWeaknesses(pods(good), { accountId: '1', clusterArn: 'arn:c' })).toEqual([]);
  });
});

describe.each(fixtures().map((f) => [f.name, f] as const))('stacks of %s', (_name, f) => {
  const infra = infraOf(f);
  const { names } = infra;
  const stacks = ['state-bootstrap', 'registry', ...names.environments.flatMap((e) => [e.env, `${e.env}-gitops`])].sort();

  it('synthesizes shared state and registry stacks, and an AWS and a GitOps stack per environment', () => {
    expect(fs.readdirSync(path.join(infra.outdir, 'stacks')).sort()).toEqual(stacks);
  });

  it('declares the deploy order in manifest.json: state first, each gitops stack after its environment', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(infra.outdir, 'manifest.json'), 'utf8'));
    const deps = (s: string): string[] => manifest.stacks[s].dependencies ?? [];
    expect(deps('state-bootstrap')).toEqual([]);
    expect(deps('registry')).toEqual(['state-bootstrap']);
    for (const env of names.environments) {
      expect(deps(env.env)).toEqual(['state-bootstrap']);
      expect(deps(`${env.env}-gitops`)).toEqual([env.env]);
    }
  });

  it.each(stacks.filter((s) => s !== 'state-bootstrap'))('keeps %s state in the locked S3 backend, encrypted by the bucket\'s state key', (stack) => {
    const backend = infra.stack(stack).terraform.backend.s3;
    expect(backend).toMatchObject({ bucket: names.stateBucket, use_lockfile: true, region: names.platform.aws.region });
    // `encrypt = true` without a key id asks S3 for SSE-S3, which the bucket policy refuses.
    expect(backend.encrypt).toBeUndefined();
  });

  it.each(stacks)('requires a Terraform CLI with S3-native locking in %s', (stack) => {
    expect(infra.stack(stack).terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
  });

  it('pins the AWS provider the bindings were generated for, and refuses other accounts', () => {
    for (const env of names.environments) {
      const stack = infra.stack(env.env);
      expect(stack.terraform.required_providers.aws.version).toBe('5.100.0');
      expect(stack.provider.aws[0].allowed_account_ids).toEqual([names.platform.aws.accountId]);
    }
  });

  it('keeps state in a versioned, private, TLS-only bucket that accepts only objects under its own KMS key', () => {
    const s = 'state-bootstrap';
    expect(infra.stack(s).terraform.backend.local).toBeDefined();
    expect(infra.resources(s, 'aws_s3_bucket')[0]).toMatchObject({ bucket: names.stateBucket, lifecycle: { prevent_destroy: true } });
    expect(infra.resources(s, 'aws_s3_bucket_versioning')[0].versioning_configuration.status).toBe('Enabled');
    const sse = infra.resources(s, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule[0].apply_server_side_encryption_by_default;
    expect(sse).toMatchObject({ sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(ref('aws_kms_key')) });
    expect(infra.resources(s, 'aws_kms_alias')[0]).toMatchObject({ name: names.stateKeyAlias });
    expect(infra.resources(s, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const policy = JSON.parse(infra.resources(s, 'aws_s3_bucket_policy')[0].policy);
    expect(policy.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Deny', Action: ['s3:PutObject'], Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } } }),
      expect.objectContaining({ Effect: 'Deny', Action: ['s3:PutObject'], Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': sse.kms_master_key_id } } }),
    ]));
  });

  it('creates an immutable, scanned, KMS-encrypted repository with a lifecycle policy for every app', () => {
    const expected = [...new Set(names.platform.teams.flatMap((t) => t.apps.map((a) => names.environments[0].ecrRepository(t, a))))].sort();
    const repos = infra.resources('registry', 'aws_ecr_repository');
    expect(repos.map((r) => r.name).sort()).toEqual(expected);
    for (const repo of repos) expect(repo).toMatchObject({ image_tag_mutability: 'IMMUTABLE', image_scanning_configuration: { scan_on_push: true }, encryption_configuration: [{ encryption_type: 'KMS' }] });
    expect(infra.resources('registry', 'aws_ecr_lifecycle_policy')).toHaveLength(repos.length);
  });

  describe('IAM least privilege across every stack', () => {
    const allowStatements = stacks.flatMap((s) => policyDocuments(infra.stack(s))
      .flatMap((d) => d.doc.Statement.filter((st: any) => st.Effect === 'Allow').map((st: any) => ({ where: `${s}:${d.where}`, kind: d.kind, st }))));

    it('grants no wildcard actions ("*" or "service:*")', () => {
      expect(allowStatements.length).toBeGreaterThan(0);
      const wild = allowStatements.filter(({ st }) => st.Action.some((a: string) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)));
      expect(wild.map((w) => w.where)).toEqual([]);
    });

    it('uses Resource "*" only for actions AWS cannot scope, or in key policies (where it means the key)', () => {
      const wild = allowStatements.filter(({ kind, st }) => kind === 'identity'
        && (st.Resource ?? []).includes('*') && !st.Action.every((a: string) => UNSCOPABLE_ACTIONS.includes(a)));
      expect(wild.map((w) => `${w.where} ${w.st.Action}`)).toEqual([]);
    });

    it('allows Principal "*" in resource policies only when a condition pins the principal to this account', () => {
      const open = allowStatements.filter(({ kind, st }) => kind === 'resource' && JSON.stringify(st.Principal ?? {}).includes('"*"')
        && !(st.Condition?.StringEquals?.['kms:CallerAccount'] === names.platform.aws.accountId && st.Condition?.ArnEquals?.['aws:PrincipalArn']));
      expect(open.map((o) => o.where)).toEqual([]);
    });

    it('has no trust of a service that sets source keys without the source account, and no Pod Identity trust without cluster, namespace and service account', () => {
      const weak = stacks.flatMap((s) => policyDocuments(infra.stack(s)).filter((d) => d.kind === 'trust')
        .flatMap((d) => trustWeaknesses(d.doc, { accountId: names.platform.aws.accountId }).map((w) => `${s}:${d.where}: ${w}`)));
      expect(weak).toEqual([]);
    });
  });
});

describe.each(fixtureEnvironments())('environment $label', ({ fixture, names: env }) => {
  const infra = infraOf(fixture);
  const cfg = env.environment;
  const res = (type: string) => infra.resources(env.env, type);
  const byId = (type: string) => (infra.stack(env.env).resource?.[type] ?? {}) as Record<string, any>;
  const [cluster] = res('aws_eks_cluster');
  const clusterId = Object.keys(byId('aws_eks_cluster'))[0];
  // The environment's key (the backup bucket has its own, which outlives the environment).
  const keyId = Object.keys(byId('aws_kms_key')).find((k) => k.startsWith('kms_key'))!;

  it('spans three AZs with private node subnets and public load balancer subnets, tagged for discovery', () => {
    expect(res('aws_vpc')).toEqual([expect.objectContaining({ cidr_block: cfg.vpcCidr, enable_dns_hostnames: true })]);
    const subnets = res('aws_subnet');
    const publicSubnets = subnets.filter((s) => s.tags['kubernetes.io/role/elb'] === '1');
    expect(publicSubnets).toHaveLength(3);
    expect(subnets.filter((s) => s.tags['kubernetes.io/role/internal-elb'] === '1')).toHaveLength(3);
    expect(publicSubnets.every((s) => s.map_public_ip_on_launch === false)).toBe(true);
  });

  it('runs a NAT gateway per AZ in production (one elsewhere), records flow logs and strips the default security group', () => {
    expect(res('aws_nat_gateway')).toHaveLength(cfg.production ? 3 : 1);
    expect(res('aws_flow_log')).toEqual([expect.objectContaining({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' })]);
    const [sg] = res('aws_default_security_group');
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
  });

  it('lets only VPC Flow Logs acting for this account\'s flow logs assume the flow-log role', () => {
    const role = res('aws_iam_role').find((r) => r.name.endsWith('-vpc-flow-logs'))!;
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': env.platform.aws.accountId },
      ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${env.platform.aws.region}:${env.platform.aws.accountId}:vpc-flow-log/*` },
    });
  });

  it('lets Auto Scaling (which launches managed nodes) use the environment key for their encrypted volumes', () => {
    const policy = JSON.parse(byId('aws_kms_key')[keyId].policy);
    const slr = `arn:aws:iam::${env.platform.aws.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const forSlr = policy.Statement.filter((st: any) => st.Condition?.ArnEquals?.['aws:PrincipalArn'] === slr);
    expect(forSlr.flatMap((st: any) => st.Action)).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:Decrypt', 'kms:CreateGrant']));
    expect(forSlr.find((st: any) => st.Action.includes('kms:CreateGrant')).Condition.Bool).toEqual({ 'kms:GrantIsForAWSResource': 'true' });
  });

  it('creates the cluster on a supported version with encryption, all control-plane logs, API auth and no hidden creator admin', () => {
    expect(Object.keys(KUBERNETES_VERSIONS)).toContain(cluster.version);
    expect(cluster).toMatchObject({
      name: env.clusterName,
      version: cfg.kubernetesVersion,
      enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      access_config: { authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false },
      vpc_config: { endpoint_private_access: true, endpoint_public_access: cfg.publicEndpoint },
    });
    expect(cluster.encryption_config.resources).toEqual(['secrets']);
    expect(cluster.encryption_config.provider.key_arn).toMatch(ref('aws_kms_key'));
    if (cfg.publicEndpoint) expect(cluster.vpc_config.public_access_cidrs).toEqual(cfg.publicEndpointCidrs);
    expect(res('aws_kms_key').every((k) => k.enable_key_rotation)).toBe(true);
    // The provider docs: the cluster role's policy must be attached before the cluster exists.
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^aws_iam_role_policy_attachment\.eks_cluster-policy/)]));
  });

  it('gives configured admin roles cluster-admin through access entries (the deployer\'s only way in)', () => {
    expect(res('aws_eks_access_entry').filter((e) => e.type !== 'EC2_LINUX').map((e) => e.principal_arn).sort()).toEqual(env.platform.aws.adminRoles.map((r) => env.roleArn(r)).sort());
    for (const a of res('aws_eks_access_policy_association')) expect(a.policy_arn).toContain('AmazonEKSClusterAdminPolicy');
  });

  it('lets people log in with the IdP, with the group prefix the RBAC bindings use', () => {
    const [idp] = res('aws_eks_identity_provider_config');
    expect(idp.oidc).toMatchObject({ issuer_url: env.platform.identity.issuerURL, client_id: env.platform.identity.clients.kubernetes, groups_claim: env.platform.identity.groupsClaim, groups_prefix: env.oidcGroup('') });
  });

  describe('nodes', () => {
    const groups = res('aws_eks_node_group');
    const templates = byId('aws_launch_template');

    it('come from launch templates with IMDSv2 required, hop limit 1 and an encrypted gp3 root under the environment key', () => {
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups) {
        expect(group.disk_size).toBeUndefined(); // the template owns the disk
        const template = templates[idOf(group.launch_template.id)!];
        expect(template.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1, http_endpoint: 'enabled' });
        const [root] = template.block_device_mappings;
        expect(root.ebs).toMatchObject({ encrypted: 'true', volume_type: 'gp3', kms_key_id: `\${aws_kms_key.${keyId}.arn}` });
        expect(group.launch_template.version).toMatch(/latest_version/);
      }
    });

    it('run AL2023 at the cluster\'s Kubernetes version, after the node role\'s policies', () => {
      for (const group of groups) {
        expect(group.ami_type).toMatch(/^AL2023_/);
        expect(group.version).toBe(`\${aws_eks_cluster.${clusterId}.version}`);
        expect(group.depends_on.filter((d: string) => d.startsWith('aws_iam_role_policy_attachment.eks_node-'))).toHaveLength(3);
      }
    });

    it('size one managed system node group from config (Karpenter adds the rest)', () => {
      const want = cfg.nodes.system;
      expect(groups.map((g) => g.node_group_name)).toEqual([env.nodeGroupName('system')]);
      expect(groups[0]).toMatchObject({ capacity_type: want.capacityType, scaling_config: { min_size: want.minSize, max_size: want.maxSize, desired_size: want.desiredSize } });
    });

    it('carry no VPC CNI permissions on the node role (only the CNI\'s own role has them)', () => {
      const nodePolicies = res('aws_iam_role_policy_attachment').filter((a) => a.role.includes('eks_node-role')).map((a) => a.policy_arn);
      expect(nodePolicies.length).toBeGreaterThan(0);
      expect(nodePolicies.filter((p) => p.includes('CNI'))).toEqual([]);
    });
  });

  describe('add-ons', () => {
    const addons = Object.fromEntries(res('aws_eks_addon').map((a) => [a.addon_name, a]));
    const versionQueries: Record<string, any> = infra.stack(env.env).data?.aws_eks_addon_version ?? {};

    it('installs every core add-on at a build of the cluster\'s Kubernetes version (EKS default or the environment\'s pin)', () => {
      expect(Object.keys(addons).sort()).toEqual([...EKS_ADDONS].sort());
      for (const name of EKS_ADDONS) {
        const pinned = cfg.addonVersions[name];
        if (pinned) {
          expect(addons[name].addon_version).toBe(pinned);
        } else {
          const query = versionQueries[/^\$\{data\.aws_eks_addon_version\.([A-Za-z0-9_-]+)\.version\}$/.exec(addons[name].addon_version)?.[1] ?? ''];
          expect({ name, query }).toEqual({ name, query: expect.objectContaining({ addon_name: name, kubernetes_version: `\${aws_eks_cluster.${clusterId}.version}` }) });
        }
      }
    });

    it('runs the VPC CNI on Pod Identity with network policy enforcement on', () => {
      const cni = addons['vpc-cni'];
      expect(JSON.parse(cni.configuration_values)).toEqual(VPC_CNI_CONFIGURATION);
      expect(JSON.parse(cni.configuration_values).enableNetworkPolicy).toBe('true');
      const identity = env.workloadIdentity('vpc-cni');
      expect(cni.pod_identity_association).toEqual([{ service_account: identity.serviceAccount, role_arn: expect.stringMatching(/aws_iam_role\.identities_vpc-cni/) }]);
      expect(cni.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/identities_vpc-cni-managed/), expect.stringMatching(/eks-pod-identity-agent/)]));
    });
  });

  it('binds each AWS-calling component to exactly the service account the charts use, once, after its permissions', () => {
    const bound = [
      ...res('aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`),
      ...res('aws_eks_addon').flatMap((a) => (a.pod_identity_association ?? []).map((p: any) => `kube-system/${p.service_account}`)),
    ].sort();
    expect(bound).toEqual(env.workloadIdentities.map((w) => `${w.namespace}/${w.serviceAccount}`).sort());
    // The provider docs: the association after the role can do its job.
    for (const a of res('aws_eks_pod_identity_association')) expect(a.depends_on.length).toBeGreaterThan(0);
    const roles = res('aws_iam_role');
    for (const w of env.workloadIdentities) {
      const role = roles.find((r) => r.name === w.roleName)!;
      expect(JSON.parse(role.assume_role_policy).Statement[0].Condition.StringEquals).toEqual({
        'aws:SourceAccount': env.platform.aws.accountId,
        'aws:RequestTag/eks-cluster-arn': env.clusterArn,
        'aws:RequestTag/kubernetes-namespace': w.namespace,
        'aws:RequestTag/kubernetes-service-account': w.serviceAccount,
      });
    }
  });

  it('lets cert-manager change only TXT records named _acme-challenge in this environment\'s zone', () => {
    const doc = policyDocuments(infra.stack(env.env)).find((d) => d.where.includes('cert-manager-policy'))!.doc;
    const change = doc.Statement.find((s: any) => s.Action.includes('route53:ChangeResourceRecordSets'));
    expect(change.Resource).toEqual([expect.stringMatching(/aws_route53_zone\.zone.*\.arn/)]);
    expect(change.Condition['ForAllValues:StringEquals']).toEqual({ 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] });
    const recordNames: string[] = change.Condition['ForAllValues:StringLike']['route53:ChangeResourceRecordSetsNormalizedRecordNames'];
    expect(recordNames.length).toBeGreaterThan(0);
    for (const n of recordNames) expect(n).toMatch(new RegExp(`^_acme-challenge\\..*${cfg.domain.replace(/\./g, '\\.')}$`));
  });

  it('gives the load balancer controller a role bound to the chart\'s service account, changing only this cluster\'s load balancers', () => {
    const identity = env.workloadIdentity('load-balancer-controller');
    const association = res('aws_eks_pod_identity_association').find((a) => a.namespace === identity.namespace);
    expect(association).toMatchObject({ service_account: identity.serviceAccount, cluster_name: expect.stringContaining('aws_eks_cluster') });
    // The chart's values name the same service account (test/gateway.test.ts checks the chart side).
    expect(loadBalancerControllerRelease(env).values.serviceAccount).toEqual({ create: true, name: identity.serviceAccount });
    expect(loadBalancerControllerRelease(env).namespace).toBe(identity.namespace);
    const doc = policyDocuments(infra.stack(env.env)).find((d) => d.where.includes('load-balancer-controller-policy'))!.doc;
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

  it('lets external-dns change records only in this environment\'s zone', () => {
    const doc = policyDocuments(infra.stack(env.env)).find((d) => d.where.includes('external-dns-policy'))!.doc;
    const change = doc.Statement.find((s: any) => s.Action.includes('route53:ChangeResourceRecordSets'));
    expect(change.Resource).toEqual([expect.stringMatching(/aws_route53_zone\.zone.*\.arn/)]);
  });

  it('gives a private API endpoint an SSM tunnel without inbound ports, and a public one none', () => {
    const instances = res('aws_instance');
    if (cfg.apiAccess?.mode === 'ssm-tunnel') {
      expect(instances).toHaveLength(1);
      expect(instances[0]).toMatchObject({ associate_public_ip_address: false, metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1 }, root_block_device: { encrypted: true } });
      expect(res('aws_security_group').find((g) => g.name.endsWith('-api-tunnel'))!.ingress).toBeUndefined();
      const [rule] = res('aws_vpc_security_group_ingress_rule');
      expect(rule).toMatchObject({ from_port: 443, to_port: 443, security_group_id: expect.stringContaining('cluster_security_group_id') });
      expect(infra.stack(env.env).output.api_tunnel_command.value).toContain(`localPortNumber=${cfg.apiAccess.localPort}`);
    } else {
      expect(cfg.publicEndpoint).toBe(true);
      expect(instances).toEqual([]);
    }
  });

  it('outputs what a deployer needs: cluster ARN and security group, VPC and subnets, KMS key, kubeconfig and name servers', () => {
    expect(Object.keys(infra.stack(env.env).output)).toEqual(expect.arrayContaining([
      'cluster_arn', 'cluster_name', 'cluster_endpoint', 'cluster_security_group_id', 'vpc_id', 'private_subnet_ids', 'public_subnet_ids',
      'kms_key_arn', 'kubeconfig_command', 'zone_name_servers',
    ]));
  });

  it('limits External Secrets to this environment\'s platform prefix, and each team role to its own prefix (AWS backend)', () => {
    const docs = policyDocuments(infra.stack(env.env));
    const eso = docs.find((d) => d.where.includes('external-secrets-policy'));
    if (env.platform.secrets.backend !== 'aws-secrets-manager') return expect(eso).toBeUndefined();
    const { region, accountId } = env.platform.aws;
    expect(eso!.doc.Statement[0].Resource).toEqual([`arn:aws:secretsmanager:${region}:${accountId}:secret:${env.secretPrefix}/platform/*`]);
    for (const team of env.teams) {
      const teamDoc = docs.find((d) => d.where.includes(`team-${team.name}-secrets-policy`))!.doc;
      expect(teamDoc.Statement[0].Resource).toEqual([`arn:aws:secretsmanager:${region}:${accountId}:secret:${env.teamSecretPrefix(team)}*`]);
    }
  });

  describe('GitOps bootstrap stack', () => {
    const gitops = infra.stack(`${env.env}-gitops`);
    const releases = Object.entries<any>(gitops.resource.helm_release);
    const argocd = releases.find(([, r]) => r.name === BOOTSTRAP_RELEASES.argocd)!;
    const root = releases.find(([, r]) => r.name === BOOTSTRAP_RELEASES.root)!;

    it('installs Argo CD without the root objects, then the root in a second release that waits for the first', () => {
      expect(releases).toHaveLength(2);
      const values = JSON.parse(argocd[1].values[0]);
      expect(values.extraObjects).toBeUndefined();
      expect(JSON.stringify(values)).not.toMatch(/"kind":"(Application|AppProject)"/);
      expect(root[1]).toMatchObject({ chart: 'argocd-apps', depends_on: [`helm_release.${argocd[0]}`] });
      const rootValues = JSON.parse(root[1].values[0]);
      const [app] = Object.values<any>(rootValues.applications);
      expect(app.source).toEqual({ repoURL: env.platform.gitops.repoURL, targetRevision: env.platform.gitops.revision, path: `${env.gitopsPath}/argocd-apps` });
      for (const [, r] of releases) expect(r.lifecycle).toEqual({ ignore_changes: 'all' });
    });

    it('hands Argo CD the repository credentials from Secrets Manager at apply time, never as text', () => {
      const [, ...extra] = argocd[1].values as string[];
      if (!env.platform.gitops.credentialsSecret) return expect(extra).toEqual([]);
      expect(extra).toHaveLength(1);
      const [secret] = Object.entries<any>(gitops.data.aws_secretsmanager_secret_version);
      expect(secret[1].secret_id).toBe(env.platformSecret(env.platform.gitops.credentialsSecret));
      for (const field of repositoryCredentialFields(env.platform.gitops.repoURL)) {
        expect(extra[0]).toContain(`"${field}" = jsondecode(data.aws_secretsmanager_secret_version.${secret[0]}.secret_string).${field}`);
      }
      expect(extra[0]).toMatch(/^\$\{jsonencode\(/);
    });

    it('reaches a private endpoint through the tunnel on localhost, checking the endpoint\'s TLS name', () => {
      const k8s = gitops.provider.helm[0].kubernetes;
      if (cfg.apiAccess) {
        expect(k8s.host).toBe(`https://127.0.0.1:${cfg.apiAccess.localPort}`);
        expect(k8s.tls_server_name).toMatch(/data\.aws_eks_cluster\..*endpoint/);
      } else {
        expect(k8s.host).toMatch(/data\.aws_eks_cluster\..*endpoint/);
      }
    });
  });
});
