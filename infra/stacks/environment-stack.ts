/** Everything AWS one environment needs: network, cluster, DNS zone, component identities. */
import { Construct } from 'constructs';
import { S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { EnvironmentNames, PlatformNames } from '../../config';
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
  const backend = new S3Backend(stack, { bucket: platform.stateBucket, key: stateKey, region: aws.region, encrypt: true });
  // S3-native state locking (Terraform >= 1.10), no DynamoDB table to run.
  backend.addOverride('use_lockfile', true);
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
    });
    const zone = new Route53Zone(this, 'zone', { name: env.domain, comment: `${names.clusterName}: managed by external-dns and cert-manager` });
    const cluster = new Cluster(this, 'eks', { names, subnetIds: network.privateSubnets.map((s) => s.id), kmsKeyArn: key.key.arn });
    const logs = names.platform.logging.backend === 'opensearch'
      ? new LogDomain(this, 'logs', { names, vpcId: network.vpc.id, vpcCidr: env.vpcCidr, subnetIds: network.privateSubnets.map((s) => s.id), kmsKeyArn: key.key.arn, zoneId: zone.zoneId })
      : undefined;
    const privateSubnetIds = network.privateSubnets.map((s) => s.id);
    const karpenter = new Karpenter(this, 'karpenter', {
      names, clusterName: cluster.cluster.name, clusterArn: cluster.cluster.arn, subnetIds: privateSubnetIds,
      nodeSecurityGroupId: cluster.cluster.vpcConfig.clusterSecurityGroupId, kmsKeyArn: key.key.arn,
    });
    const backups = new BackupBucket(this, 'backups', { names });
    new WorkloadIdentities(this, 'identities', {
      names,
      clusterName: cluster.cluster.name,
      hostedZoneArn: zone.arn,
      logDomainArn: logs?.domain.arn,
      componentStatements: { karpenter: karpenter.controllerStatements, velero: backups.veleroStatements },
    });

    new TerraformOutput(this, 'cluster_name', { value: cluster.cluster.name });
    new TerraformOutput(this, 'cluster_endpoint', { value: cluster.cluster.endpoint });
    new TerraformOutput(this, 'kubeconfig_command', { value: `aws eks update-kubeconfig --region ${region} --name ${names.clusterName}` });
    new TerraformOutput(this, 'zone_name_servers', { value: zone.nameServers, description: `Delegate ${env.domain} to these name servers` });
    new TerraformOutput(this, 'backup_bucket', { value: backups.bucket.bucket, description: 'Velero backups (see README: Restore)' });
    if (logs) new TerraformOutput(this, 'log_domain_endpoint', { value: names.logDomainEndpoint, description: 'Fluent Bit ships here; CNAME to the domain' });
  }
}
