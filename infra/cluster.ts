/**
 * The EKS cluster: private API (public only if configured, and only from listed CIDRs), every
 * control-plane log type, Secrets envelope-encrypted with KMS, API-only authentication with access
 * entries and no hidden creator admin, people logging in through the company IdP, one small managed
 * node group (`system`, from the hardened launch template) that runs the platform and Karpenter, and
 * the core add-ons at the cluster's Kubernetes version. Karpenter (infra/karpenter.ts) adds the nodes
 * for team workloads.
 */
import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { DataAwsEksAddonVersion } from '@cdktf/provider-aws/lib/data-aws-eks-addon-version';
import { EksIdentityProviderConfig } from '@cdktf/provider-aws/lib/eks-identity-provider-config';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAddonName, EnvironmentNames, NODE_POOL_LABEL, NodePoolConfig, SYSTEM_NODE_POOL } from '../config';
import { awsManagedPolicy, serviceTrust } from './iam';
import { NodeLaunchTemplate } from './node-launch-template';
import { WorkloadIdentities } from './workload-identities';

export interface ClusterProps {
  readonly names: EnvironmentNames;
  readonly subnetIds: string[];
  readonly kmsKeyArn: string;
  /** Roles of the components that call AWS; the VPC CNI add-on binds its own. */
  readonly identities: WorkloadIdentities;
  /** Control-plane log retention in days. @default 90 in production, 30 elsewhere */
  readonly logRetentionDays?: number;
}

export { NODE_POOL_LABEL };
/** AL2023: AL2 AMIs are not published for Kubernetes 1.33 and later. */
export const NODE_AMI_TYPE = 'AL2023_x86_64_STANDARD';
/** VPC CNI settings: enforce NetworkPolicies (the node agent), so the charts' policies are real. */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: 'true' };

export class Cluster extends Construct {
  readonly cluster: EksCluster;
  readonly nodeGroups: EksNodeGroup[] = [];
  readonly addons = new Map<EksAddonName, EksAddon>();
  private readonly props: ClusterProps;
  private readonly nodeRole: IamRole;
  private readonly nodeRoleAttachments: IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    this.props = props;
    const { names } = props;
    const env = names.environment;
    const name = names.clusterName;

    const clusterRole = new IamRole(this, 'cluster-role', {
      name: names.clusterRoleName,
      // No source conditions: EKS does not document them for the cluster role, and only an identity of
      // this account with iam:PassRole can hand the role to a cluster (roles cannot be passed across accounts).
      assumeRolePolicy: serviceTrust('eks.amazonaws.com'),
    });
    const clusterPolicy = new IamRolePolicyAttachment(this, 'cluster-policy', { role: clusterRole.name, policyArn: awsManagedPolicy('AmazonEKSClusterPolicy') });

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
        // No implicit cluster-admin for whoever ran `cdktf deploy`: admins are the explicit access
        // entries below (aws.adminRoles), which the deployer assumes to run the gitops stack.
        bootstrapClusterCreatorAdminPermissions: false,
      },
      upgradePolicy: { supportType: 'STANDARD' },
      // The provider docs: the role's policy must be attached before the cluster, and stay until it is gone.
      dependsOn: [controlPlaneLogs, clusterPolicy],
    });

    // The node role keeps only what the kubelet needs; the CNI's ENI rights are on the CNI's own role.
    // EC2 sets no source keys when an instance assumes its role; PassRole (same account only) is the guard.
    this.nodeRole = new IamRole(this, 'node-role', { name: names.nodeRoleName, assumeRolePolicy: serviceTrust('ec2.amazonaws.com') });
    this.nodeRoleAttachments = ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonSSMManagedInstanceCore'].map((p) =>
      new IamRolePolicyAttachment(this, `node-${p}`, { role: this.nodeRole.name, policyArn: awsManagedPolicy(p) }));

    // Pod identity and networking must run before nodes join, or the nodes never become Ready.
    const podIdentityAgent = this.addon('eks-pod-identity-agent');
    const cni = props.identities.forAddon('vpc-cni');
    const earlyAddons = [
      podIdentityAgent,
      this.addon('vpc-cni', {
        configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
        podIdentityAssociation: [{ roleArn: cni.roleArn, serviceAccount: cni.serviceAccount }],
      }, [podIdentityAgent, ...cni.dependsOn]),
      this.addon('kube-proxy'),
    ];

    // One small managed group runs the platform and Karpenter; Karpenter (infra/karpenter.ts) adds the nodes for team workloads.
    this.nodeGroups.push(this.nodePool(SYSTEM_NODE_POOL, env.nodes.system, earlyAddons));

    this.addon('coredns', {}, this.nodeGroups);
    const associations = props.identities.associate(this.cluster);
    this.addon('aws-ebs-csi-driver', {}, [...this.nodeGroups, ...associations]);
    // CSI snapshots (Velero's volume backups); EKS maintains the controller and its CRDs.
    this.addon('snapshot-controller', {}, this.nodeGroups);

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

  /**
   * A managed node group on the shared hardened launch template. The AMI (AL2023) and the kubelet
   * follow the cluster's Kubernetes version.
   */
  nodePool(poolName: typeof SYSTEM_NODE_POOL, cfg: NodePoolConfig, dependsOn: ITerraformDependable[] = []): EksNodeGroup {
    const name = this.props.names.nodeGroupName(poolName);
    const template = new NodeLaunchTemplate(this, `${poolName}-launch-template`, { name, kmsKeyArn: this.props.kmsKeyArn, diskSizeGiB: cfg.diskSizeGiB, tags: { Name: name } });
    return new EksNodeGroup(this, `${poolName}-nodes`, {
      clusterName: this.cluster.name,
      nodeGroupName: name,
      version: this.cluster.version,
      nodeRoleArn: this.nodeRole.arn,
      subnetIds: this.props.subnetIds,
      amiType: NODE_AMI_TYPE,
      capacityType: cfg.capacityType,
      instanceTypes: cfg.instanceTypes,
      launchTemplate: { id: template.template.id, version: template.template.latestVersion.toString() },
      scalingConfig: { minSize: cfg.minSize, maxSize: cfg.maxSize, desiredSize: cfg.desiredSize },
      updateConfig: { maxUnavailablePercentage: 33 },
      labels: { [NODE_POOL_LABEL]: poolName },
      // No autoscaler owns this group (Karpenter scales team capacity), so platform.yaml's size applies.
      // The provider docs: node role policies attached before the group, and kept until it is gone.
      dependsOn: [...this.nodeRoleAttachments, ...dependsOn],
    });
  }

  /**
   * A core add-on. Its version is EKS' default build for the cluster's Kubernetes version (or the
   * environment's pin), so it moves with `kubernetesVersion`.
   */
  private addon(addonName: EksAddonName, extra: Partial<Pick<EksAddon, 'configurationValues'>> & { podIdentityAssociation?: Array<{ roleArn: string; serviceAccount: string }> } = {}, dependsOn: ITerraformDependable[] = []): EksAddon {
    const pinned = this.props.names.environment.addonVersions[addonName];
    const version = pinned ?? new DataAwsEksAddonVersion(this, `addon-${addonName}-version`, {
      addonName,
      kubernetesVersion: this.cluster.version,
    }).version;
    const addon = new EksAddon(this, `addon-${addonName}`, {
      clusterName: this.cluster.name,
      addonName,
      addonVersion: version,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
      ...extra,
      dependsOn,
    });
    this.addons.set(addonName, addon);
    return addon;
  }
}
