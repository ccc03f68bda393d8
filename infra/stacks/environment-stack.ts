/** Everything AWS one environment needs: network, cluster, DNS zone, component identities. */
import { Construct } from 'constructs';
import { Fn, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { EnvironmentNames, PlatformNames, TERRAFORM_REQUIRED_VERSION } from '../../config';
import { ApiTunnel } from '../api-tunnel';
import { BackupBucket } from '../backup-bucket';
import { Cluster } from '../cluster';
import { EncryptionKey } from '../encryption-key';
import { Karpenter } from '../karpenter';
import { LogDomain } from '../log-domain';
import { Network } from '../network';
import { WorkloadIdentities } from '../workload-identities';

/** The provider and remote state every stack of the platform shares. */
export function configureAwsStack(stack: TerraformStack, platform: PlatformNames, stateKey: string, tags: Record<string, string>): void {
  const { aws, organization } = platform.platform;
  new AwsProvider(stack, 'aws', {
    region: aws.region,
    // Refuse to run against any other account, whatever credentials happen to be loaded.
    allowedAccountIds: [aws.accountId],
    defaultTags: [{ tags: { 'k8s-platform/organization': organization.name, 'k8s-platform/managed-by': 'cdktf', ...tags } }],
  });
  // No `encrypt`/`kms_key_id`: the backend only takes a key id, which KMS generates at apply time of
  // state-bootstrap, and `encrypt = true` alone would ask S3 for SSE-S3. The bucket encrypts every
  // object with the state key by default and its policy refuses any other encryption (infra/state-bucket.ts).
  const backend = new S3Backend(stack, { bucket: platform.stateBucket, key: stateKey, region: aws.region });
  // S3-native state locking (Terraform >= 1.10), no DynamoDB table to run.
  backend.addOverride('use_lockfile', true);
  requireTerraform(stack);
}

/** The Terraform CLI every stack needs (S3-native locking). */
export function requireTerraform(stack: TerraformStack): void {
  stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
}

export class EnvironmentStack extends TerraformStack {
  constructor(scope: Construct, id: string, platform: PlatformNames, names: EnvironmentNames) {
    super(scope, id);
    const env = names.environment;
    configureAwsStack(this, platform, `${names.env}/platform.tfstate`, { 'k8s-platform/environment': names.env });
    const { accountId, region } = names.platform.aws;

    const key = new EncryptionKey(this, 'kms', { name: names.clusterName, accountId, region });
    const network = new Network(this, 'network', {
      name: names.vpcName,
      clusterName: names.clusterName,
      cidr: env.vpcCidr,
      natPerAz: env.production,
      flowLogRetentionDays: env.production ? 90 : 30,
      kmsKeyArn: key.key.arn,
      accountId,
      region,
    });
    const zone = new Route53Zone(this, 'zone', { name: env.domain, comment: `${names.clusterName}: managed by external-dns and cert-manager` });
    const logs = names.platform.logging.backend === 'opensearch'
      ? new LogDomain(this, 'logs', { names, vpcId: network.vpc.id, vpcCidr: env.vpcCidr, subnetIds: network.privateSubnets.map((s) => s.id), kmsKeyArn: key.key.arn, zoneId: zone.zoneId })
      : undefined;
    // Roles first: the VPC CNI add-on binds its role while the cluster comes up.
    const identities = new WorkloadIdentities(this, 'identities', { names, hostedZoneArn: zone.arn, logDomainArn: logs?.domain.arn });
    const cluster = new Cluster(this, 'eks', { names, subnetIds: network.privateSubnets.map((s) => s.id), kmsKeyArn: key.key.arn, identities });
    const clusterSecurityGroupId = cluster.cluster.vpcConfig.clusterSecurityGroupId;
    const tunnel = env.apiAccess?.mode === 'ssm-tunnel'
      ? new ApiTunnel(this, 'api-tunnel', {
        name: names.apiTunnelName, vpcId: network.vpc.id, subnetId: network.privateSubnets[0].id,
        clusterSecurityGroupId, kmsKeyArn: key.key.arn, instanceType: env.apiAccess.instanceType,
      })
      : undefined;
    const karpenter = new Karpenter(this, 'karpenter', {
      names, clusterName: cluster.cluster.name, clusterArn: cluster.cluster.arn, subnetIds: network.privateSubnets.map((s) => s.id),
      nodeSecurityGroupId: clusterSecurityGroupId, kmsKeyArn: key.key.arn,
    });
    identities.grant('karpenter', karpenter.controllerStatements);
    const backups = new BackupBucket(this, 'backups', { names });
    identities.grant('velero', backups.veleroStatements);

    new TerraformOutput(this, 'cluster_name', { value: cluster.cluster.name });
    new TerraformOutput(this, 'cluster_arn', { value: cluster.cluster.arn });
    new TerraformOutput(this, 'cluster_endpoint', { value: cluster.cluster.endpoint });
    new TerraformOutput(this, 'cluster_security_group_id', { value: clusterSecurityGroupId, description: 'EKS-managed security group of the control plane and nodes' });
    new TerraformOutput(this, 'vpc_id', { value: network.vpc.id });
    new TerraformOutput(this, 'private_subnet_ids', { value: network.privateSubnets.map((s) => s.id), description: 'Nodes and pods' });
    new TerraformOutput(this, 'public_subnet_ids', { value: network.publicSubnets.map((s) => s.id), description: 'Internet-facing load balancers and NAT' });
    new TerraformOutput(this, 'kms_key_arn', { value: key.key.arn, description: 'Encrypts Secrets, log groups and node volumes' });
    new TerraformOutput(this, 'kubeconfig_command', { value: `aws eks update-kubeconfig --region ${region} --name ${names.clusterName}` });
    new TerraformOutput(this, 'zone_name_servers', { value: zone.nameServers, description: `Delegate ${env.domain} to these name servers` });
    new TerraformOutput(this, 'backup_bucket', { value: backups.bucket.bucket, description: 'Velero backups (see README: Restore)' });
    if (tunnel && env.apiAccess) {
      const port = env.apiAccess.localPort;
      new TerraformOutput(this, 'api_tunnel_instance_id', { value: tunnel.instance.id });
      new TerraformOutput(this, 'api_tunnel_command', {
        value: `aws ssm start-session --region ${region} --target ${tunnel.instance.id} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${Fn.replace(cluster.cluster.endpoint, 'https://', '')},portNumber=443,localPortNumber=${port}`,
        description: `Keep running while you deploy ${names.env}-gitops or use kubectl; then connect to https://127.0.0.1:${port}`,
      });
    }
    if (logs) new TerraformOutput(this, 'log_domain_endpoint', { value: names.logDomainEndpoint, description: 'Fluent Bit ships here; CNAME to the domain' });
  }
}
