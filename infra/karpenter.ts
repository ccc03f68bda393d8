/**
 * The AWS side of Karpenter (charts/capacity runs the controller): the role its nodes get, with an
 * EC2_LINUX access entry so they can join; the SQS queue that EventBridge fills with spot
 * interruptions, rebalance recommendations, scheduled maintenance and instance state changes; the
 * discovery tags on the private subnets and the cluster security group; and the statements of the
 * controller's Pod Identity role, scoped as in Karpenter's own CloudFormation template (v1.14).
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { EnvironmentNames } from '../config';
import { awsManagedPolicy, denyInsecureTransport, policyDocument, PolicyStatement, serviceTrust } from './iam';

/** Read-only EC2, pricing and instance-profile listing calls that AWS cannot scope to a resource. */
export const KARPENTER_UNSCOPABLE_ACTIONS = [
  'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
  'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribePlacementGroups',
  'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets', 'pricing:GetProducts', 'iam:ListInstanceProfiles',
];

/** EventBridge events Karpenter acts on before AWS takes the instance away. Short ids: rule names allow 64 characters. */
export const INTERRUPTION_EVENTS: Array<{ id: string; source: string; detailType: string }> = [
  { id: 'health', source: 'aws.health', detailType: 'AWS Health Event' },
  { id: 'spot', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { id: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { id: 'state', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  { id: 'reservation', source: 'aws.ec2', detailType: 'EC2 Capacity Reservation Instance Interruption Warning' },
];

export interface KarpenterProps {
  readonly names: EnvironmentNames;
  /** The EKS cluster's name (a reference, so the cluster exists first). */
  readonly clusterName: string;
  readonly clusterArn: string;
  /** Private subnets Karpenter launches nodes into. */
  readonly subnetIds: string[];
  /** The cluster security group EKS creates; nodes need it to reach the control plane and each other. */
  readonly nodeSecurityGroupId: string;
  /** The environment KMS key, which encrypts node volumes (EC2NodeClass blockDeviceMappings). */
  readonly kmsKeyArn: string;
}

export class Karpenter extends Construct {
  readonly nodeRole: IamRole;
  readonly queue: SqsQueue;
  /** What the controller's role may do (bound to karpenter/karpenter in infra/workload-identities.ts). */
  readonly controllerStatements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    const { names } = props;
    const { accountId, region } = names.platform.aws;
    const cluster = names.clusterName;

    this.nodeRole = new IamRole(this, 'node-role', {
      name: names.karpenterNodeRoleName,
      description: `Nodes Karpenter launches in ${cluster}`,
      assumeRolePolicy: serviceTrust('ec2.amazonaws.com'),
    });
    ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'].forEach((p) =>
      new IamRolePolicyAttachment(this, `node-${p}`, { role: this.nodeRole.name, policyArn: awsManagedPolicy(p) }));
    // Without it the kubelet of a Karpenter node cannot authenticate (the cluster uses API access entries only).
    new EksAccessEntry(this, 'node-access', { clusterName: props.clusterName, principalArn: this.nodeRole.arn, type: 'EC2_LINUX' });

    this.queue = new SqsQueue(this, 'interruptions', {
      name: names.karpenterInterruptionQueue,
      // Events older than five minutes describe instances that are already gone.
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, 'interruptions-policy', {
      queueUrl: this.queue.url,
      policy: policyDocument([
        { Sid: 'EventBridgeDelivers', Effect: 'Allow', Principal: { Service: ['events.amazonaws.com', 'sqs.amazonaws.com'] }, Action: ['sqs:SendMessage'], Resource: [this.queue.arn] },
        denyInsecureTransport('sqs', [this.queue.arn]),
      ]),
    });
    for (const event of INTERRUPTION_EVENTS) {
      const rule = new CloudwatchEventRule(this, `rule-${event.id}`, {
        name: `${cluster}-karpenter-${event.id}`,
        description: `${event.detailType} to Karpenter in ${cluster}`,
        eventPattern: JSON.stringify({ source: [event.source], 'detail-type': [event.detailType] }),
      });
      new CloudwatchEventTarget(this, `target-${event.id}`, { rule: rule.name, targetId: 'KarpenterInterruptionQueue', arn: this.queue.arn });
    }

    // Karpenter finds its subnets and security group by tag (EC2NodeClass selector terms in charts/capacity).
    const tag = names.karpenterDiscoveryTag;
    props.subnetIds.forEach((subnetId, i) => new Ec2Tag(this, `subnet-${i}-discovery`, { resourceId: subnetId, key: tag.key, value: tag.value }));
    new Ec2Tag(this, 'security-group-discovery', { resourceId: props.nodeSecurityGroupId, key: tag.key, value: tag.value });

    const ec2 = (type: string) => `arn:aws:ec2:${region}:*:${type}/*`;
    const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${cluster}`]: 'owned' };
    const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${cluster}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': cluster };
    const launched = [ec2('fleet'), ec2('instance'), ec2('volume'), ec2('network-interface'), ec2('launch-template'), ec2('spot-instances-request')];
    const instanceProfiles = `arn:aws:iam::${accountId}:instance-profile/*`;
    this.controllerStatements = [
      { Sid: 'AllowScopedEC2InstanceAccessActions', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateFleet'],
        Resource: [`arn:aws:ec2:${region}::image/*`, `arn:aws:ec2:${region}::snapshot/*`, ec2('security-group'), ec2('subnet'), ec2('capacity-reservation'), ec2('placement-group')] },
      { Sid: 'AllowScopedEC2LaunchTemplateAccessActions', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateFleet'], Resource: [ec2('launch-template')],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'AllowScopedEC2InstanceActionsWithTags', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'], Resource: launched,
        Condition: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'AllowScopedResourceCreationTagging', Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: launched,
        Condition: { StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] }, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'AllowScopedResourceTagging', Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: [ec2('instance')],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' }, StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': cluster },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] } } },
      { Sid: 'AllowScopedDeletion', Effect: 'Allow', Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'], Resource: [ec2('instance'), ec2('launch-template')],
        Condition: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'AllowPassingInstanceRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: [this.nodeRole.arn],
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
      { Sid: 'AllowScopedInstanceProfileCreationActions', Effect: 'Allow', Action: ['iam:CreateInstanceProfile'], Resource: [instanceProfiles],
        Condition: { StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': region }, StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' } } },
      { Sid: 'AllowScopedInstanceProfileTagActions', Effect: 'Allow', Action: ['iam:TagInstanceProfile'], Resource: [instanceProfiles],
        Condition: {
          StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': region, ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': region },
          StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
        } },
      { Sid: 'AllowScopedInstanceProfileActions', Effect: 'Allow', Action: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'], Resource: [instanceProfiles],
        Condition: { StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': region }, StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' } } },
      { Sid: 'AllowInstanceProfileReadActions', Effect: 'Allow', Action: ['iam:GetInstanceProfile'], Resource: [instanceProfiles] },
      { Sid: 'AllowAPIServerEndpointDiscovery', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: [props.clusterArn] },
      { Sid: 'AllowInterruptionQueueActions', Effect: 'Allow', Action: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], Resource: [this.queue.arn] },
      { Sid: 'AllowSSMReadActions', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [`arn:aws:ssm:${region}::parameter/aws/service/*`] },
      { Sid: 'AllowRegionalReadActions', Effect: 'Allow', Action: KARPENTER_UNSCOPABLE_ACTIONS.filter((a) => a.startsWith('ec2:')), Resource: ['*'],
        Condition: { StringEquals: { 'aws:RequestedRegion': region } } },
      { Sid: 'AllowPricingAndProfileListing', Effect: 'Allow', Action: ['pricing:GetProducts', 'iam:ListInstanceProfiles'], Resource: ['*'] },
      // Encrypted root volumes with the environment key: EC2 uses it on Karpenter's behalf at launch.
      { Sid: 'AllowNodeVolumeEncryption', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'],
        Resource: [props.kmsKeyArn], Condition: { StringEquals: { 'kms:ViaService': `ec2.${region}.amazonaws.com` } } },
    ];
  }
}
