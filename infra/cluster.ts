/**
 * The EKS cluster: private API (public only if configured, and only from listed CIDRs), every
 * control-plane log type, Secrets envelope-encrypted with KMS, API-only authentication with access
 * entries, people logging in through the company IdP, and one small managed node group (`system`)
 * that runs the platform and Karpenter; Karpenter (infra/karpenter.ts) adds the nodes for team workloads.
 */
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksIdentityProviderConfig } from '@cdktf/provider-aws/lib/eks-identity-provider-config';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EKS_ADDONS, EnvironmentNames, NODE_POOL_LABEL, NodePoolConfig, SYSTEM_NODE_POOL } from '../config';
import { awsManagedPolicy, serviceTrust } from './iam';

export interface ClusterProps {
  readonly names: EnvironmentNames;
  readonly subnetIds: string[];
  readonly kmsKeyArn: string;
  /** Control-plane log retention in days. @default 90 in production, 30 elsewhere */
  readonly logRetentionDays?: number;
  /** Add-on versions. @default EKS_ADDONS from config/versions.ts */
  readonly addonVersions?: Record<keyof typeof EKS_ADDONS, string>;
}

export { NODE_POOL_LABEL };

export class Cluster extends Construct {
  readonly cluster: EksCluster;
  readonly nodeGroups: EksNodeGroup[] = [];

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const { names } = props;
    const env = names.environment;
    const name = names.clusterName;
    const addonVersions = props.addonVersions ?? EKS_ADDONS;

    const clusterRole = new IamRole(this, 'cluster-role', { name: names.clusterRoleName, assumeRolePolicy: serviceTrust('eks.amazonaws.com') });
    new IamRolePolicyAttachment(this, 'cluster-policy', { role: clusterRole.name, policyArn: awsManagedPolicy('AmazonEKSClusterPolicy') });

    // Created before the cluster so that retention and encryption are ours, not EKS' never-expire default.
    const controlPlaneLogs = new CloudwatchLogGroup(this, 'control-plane-logs', {
      name: `/aws/eks/${name}/cluster`,
      retentionInDays: props.logRetentionDays ?? (env.production ? 90 : 30),
      kmsKeyId: props.kmsKeyArn,
    });

    this.cluster = new EksCluster(this, 'cluster', {
      name,
      version: env.kubernetesVersion,
      roleArn: clusterRole.arn,
      enabledClusterLogTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'],
      vpcConfig: {
        subnetIds: props.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: env.publicEndpoint,
        publicAccessCidrs: env.publicEndpoint ? env.publicEndpointCidrs : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: props.kmsKeyArn } },
      accessConfig: {
        authenticationMode: 'API',
        // The identity running `cdktf deploy` installs Argo CD once; afterwards access is by access entries and the IdP.
        bootstrapClusterCreatorAdminPermissions: true,
      },
      upgradePolicy: { supportType: 'STANDARD' },
      dependsOn: [controlPlaneLogs],
    });

    const nodeRole = new IamRole(this, 'node-role', { name: names.nodeRoleName, assumeRolePolicy: serviceTrust('ec2.amazonaws.com') });
    ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEKS_CNI_Policy', 'AmazonSSMManagedInstanceCore'].forEach((p) =>
      new IamRolePolicyAttachment(this, `node-${p}`, { role: nodeRole.name, policyArn: awsManagedPolicy(p) }));

    // Networking and pod identity must run before nodes join, or the nodes never become Ready.
    const earlyAddons = (['vpc-cni', 'eks-pod-identity-agent', 'kube-proxy'] as const).map((a) => this.addon(a, addonVersions[a]));

    const pool = (poolName: typeof SYSTEM_NODE_POOL, cfg: NodePoolConfig) => new EksNodeGroup(this, `${poolName}-nodes`, {
      clusterName: this.cluster.name,
      nodeGroupName: names.nodeGroupName(poolName),
      nodeRoleArn: nodeRole.arn,
      subnetIds: props.subnetIds,
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: cfg.capacityType,
      instanceTypes: cfg.instanceTypes,
      diskSize: cfg.diskSizeGiB,
      scalingConfig: { minSize: cfg.minSize, maxSize: cfg.maxSize, desiredSize: cfg.desiredSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      labels: { [NODE_POOL_LABEL]: poolName },
      // No autoscaler owns this group (Karpenter scales team capacity), so platform.yaml's size applies.
      dependsOn: earlyAddons,
    });
    this.nodeGroups.push(pool(SYSTEM_NODE_POOL, env.nodes.system));

    (['coredns', 'aws-ebs-csi-driver', 'snapshot-controller'] as const).forEach((a) => this.addon(a, addonVersions[a], this.nodeGroups));

    // People authenticate with the company IdP; the `oidc:` prefix keeps IdP groups apart from
    // Kubernetes' own (system:masters cannot be claimed by a token).
    const idp = names.platform.identity;
    new EksIdentityProviderConfig(this, 'oidc', {
      clusterName: this.cluster.name,
      oidc: {
        identityProviderConfigName: idp.provider,
        issuerUrl: idp.issuerURL,
        // Its own client: tokens issued to Argo CD, Grafana or the gateway carry another audience and are refused.
        clientId: idp.clients.kubernetes,
        groupsClaim: idp.groupsClaim,
        groupsPrefix: EnvironmentNames.OIDC_GROUP_PREFIX,
        usernameClaim: idp.usernameClaim,
        usernamePrefix: EnvironmentNames.OIDC_GROUP_PREFIX,
      },
    });

    for (const role of names.platform.aws.adminRoles) {
      const principalArn = names.roleArn(role);
      const entry = new EksAccessEntry(this, `admin-${role}`, { clusterName: this.cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `admin-${role}-policy`, {
        clusterName: this.cluster.name,
        principalArn,
        policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
      });
    }
  }

  private addon(addonName: string, version: string, dependsOn: ITerraformDependable[] = []): EksAddon {
    return new EksAddon(this, `addon-${addonName}`, {
      clusterName: this.cluster.name,
      addonName,
      addonVersion: version,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      dependsOn,
    });
  }
}
