/**
 * One IAM role per platform component that calls AWS, bound by EKS Pod Identity to exactly the
 * namespace and service account the charts create (names from config/names.ts), each allowed only
 * what that component does, on the resources it does it to.
 *
 * Every Pod Identity trust policy comes from `podIdentityTrust` below, so a role another concern adds
 * to names.workloadIdentities gets the same conditions: AWS only lets the role be assumed for this
 * cluster, this namespace and this service account (session tags EKS sets), from this account.
 */
import { Construct } from 'constructs';
import { dependable } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { AwsComponent, EnvironmentNames, WorkloadIdentity } from '../config';
import { awsManagedPolicy, policyDocument, PolicyStatement } from './iam';
import { KARPENTER_UNSCOPABLE_ACTIONS } from './karpenter';

/**
 * Trust for EKS Pod Identity, limited to one service account of one cluster. EKS tags the session
 * with eks-cluster-arn, kubernetes-namespace and kubernetes-service-account; without these
 * conditions any association in the account (another environment's cluster included) could use the role.
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrust(names: EnvironmentNames, identity: Pick<WorkloadIdentity, 'namespace' | 'serviceAccount'>): string {
  return policyDocument([{
    Sid: 'EksPodIdentityForOneServiceAccount',
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: {
      StringEquals: {
        'aws:SourceAccount': names.platform.aws.accountId,
        'aws:RequestTag/eks-cluster-arn': names.clusterArn,
        'aws:RequestTag/kubernetes-namespace': identity.namespace,
        'aws:RequestTag/kubernetes-service-account': identity.serviceAccount,
      },
    },
  }]);
}

export interface WorkloadIdentitiesProps {
  readonly names: EnvironmentNames;
  readonly hostedZoneArn: string;
  /** ARN of the OpenSearch domain, when logs go to AWS OpenSearch. */
  readonly logDomainArn?: string;
}

/** Read-only calls of the load balancer controller; AWS has no resource-level permissions for Describe*. */
export const LOAD_BALANCER_DESCRIBE_ACTIONS = [
  'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
  'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeTags', 'ec2:DescribeRouteTables', 'ec2:GetSecurityGroupsForVpc',
  'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes', 'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerAttributes', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth', 'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeCapacityReservation',
];

/**
 * Actions that AWS does not allow to be scoped to a resource, so `*` is the only possible
 * Resource. Everything else must name its resources (test/infra.test.ts holds us to it).
 */
export const UNSCOPABLE_ACTIONS = ['route53:ListHostedZones', 'route53:ListHostedZonesByName', ...LOAD_BALANCER_DESCRIBE_ACTIONS, ...KARPENTER_UNSCOPABLE_ACTIONS];

/**
 * The AWS Load Balancer Controller's policy, cut from upstream's iam_policy.json (v3.5.0) to what a
 * Network Load Balancer needs (no ALB, WAF, Shield, Cognito or ACM), in this account and region.
 * It creates load balancers, target groups and security groups only with the tag
 * `elbv2.k8s.aws/cluster` = this cluster, and changes or deletes only those that carry it: another
 * cluster's or a hand-made load balancer is out of reach.
 */
export function loadBalancerControllerPolicy(clusterName: string, accountId: string, region: string): PolicyStatement[] {
  const tag = 'elbv2.k8s.aws/cluster';
  const requestTagged = { StringEquals: { [`aws:RequestTag/${tag}`]: clusterName } };
  const resourceTagged = { StringEquals: { [`aws:ResourceTag/${tag}`]: clusterName } };
  const elb = (what: string) => `arn:aws:elasticloadbalancing:${region}:${accountId}:${what}`;
  const ec2 = (what: string) => `arn:aws:ec2:${region}:${accountId}:${what}`;
  const loadBalancers = [elb('loadbalancer/net/*/*'), elb('targetgroup/*/*')];
  return [
    { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole'], Resource: [`arn:aws:iam::${accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`],
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } } },
    { Effect: 'Allow', Action: LOAD_BALANCER_DESCRIBE_ACTIONS, Resource: ['*'] },
    // Security groups: create tagged in the cluster's VPC; change and delete only the tagged ones.
    { Effect: 'Allow', Action: ['ec2:CreateSecurityGroup'], Resource: [ec2('vpc/*')] },
    { Effect: 'Allow', Action: ['ec2:CreateSecurityGroup'], Resource: [ec2('security-group/*')], Condition: requestTagged },
    { Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: [ec2('security-group/*')], Condition: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', [`aws:RequestTag/${tag}`]: clusterName } } },
    { Effect: 'Allow', Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:DeleteSecurityGroup'], Resource: [ec2('security-group/*')], Condition: resourceTagged },
    // Nodes' and pods' security groups admit the load balancer's traffic (rules the controller owns).
    { Effect: 'Allow', Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], Resource: [ec2('security-group/*')] },
    { Effect: 'Allow', Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'], Resource: loadBalancers, Condition: requestTagged },
    { Effect: 'Allow', Action: ['elasticloadbalancing:AddTags'], Resource: loadBalancers,
      Condition: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'], [`aws:RequestTag/${tag}`]: clusterName } } },
    { Effect: 'Allow', Action: [
      'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags', 'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType',
      'elasticloadbalancing:SetSecurityGroups', 'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets',
    ], Resource: loadBalancers, Condition: resourceTagged },
    { Effect: 'Allow', Action: ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:ModifyListenerAttributes'],
      Resource: [elb('loadbalancer/net/*/*'), elb('listener/net/*/*/*')] },
  ];
}

/** AWS-managed policies a component's role carries instead of (or besides) an inline policy. */
const MANAGED_POLICIES: Partial<Record<AwsComponent, string>> = {
  // AWS maintains these alongside the driver and the CNI; the EBS volume actions are tag-scoped.
  'ebs-csi': 'service-role/AmazonEBSCSIDriverPolicy',
  'vpc-cni': 'AmazonEKS_CNI_Policy',
};

export class WorkloadIdentities extends Construct {
  readonly roles = new Map<AwsComponent, IamRole>();
  /** Policy attachments, so whatever uses a role can wait for its permissions. */
  readonly attachments = new Map<AwsComponent, Array<IamRolePolicy | IamRolePolicyAttachment>>();
  private readonly names: EnvironmentNames;
  private readonly associations = new Map<AwsComponent, EksPodIdentityAssociation>();

  constructor(scope: Construct, id: string, props: WorkloadIdentitiesProps) {
    super(scope, id);
    const { names } = props;
    this.names = names;
    const { accountId, region } = names.platform.aws;
    const secretArn = (prefix: string) => `arn:aws:secretsmanager:${region}:${accountId}:secret:${prefix}*`;

    const policies: Record<AwsComponent, PolicyStatement[]> = {
      // DNS-01 challenges: TXT records named _acme-challenge.* in this environment's zone, nothing else.
      'cert-manager': [
        { Effect: 'Allow', Action: ['route53:GetChange'], Resource: ['arn:aws:route53:::change/*'] },
        { Effect: 'Allow', Action: ['route53:ListResourceRecordSets'], Resource: [props.hostedZoneArn] },
        {
          Effect: 'Allow',
          Action: ['route53:ChangeResourceRecordSets'],
          Resource: [props.hostedZoneArn],
          Condition: {
            'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`_acme-challenge.${names.environment.domain}`, `_acme-challenge.*.${names.environment.domain}`] },
            'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
          },
        },
        { Effect: 'Allow', Action: ['route53:ListHostedZonesByName'], Resource: ['*'] },
      ],
      'external-dns': [
        { Effect: 'Allow', Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResource'], Resource: [props.hostedZoneArn] },
        { Effect: 'Allow', Action: ['route53:ListHostedZones'], Resource: ['*'] },
      ],
      // The platform's own secrets, and assuming the per-team roles (each scoped to one team's prefix).
      'external-secrets': [
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: [secretArn(`${names.secretPrefix}/platform/`)] },
        { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: names.teams.map((t) => names.roleArn(names.teamSecretsRoleName(t))) },
      ],
      'ebs-csi': [],
      'vpc-cni': [],
      'load-balancer-controller': loadBalancerControllerPolicy(names.clusterName, accountId, region),
      'fluent-bit': props.logDomainArn
        ? [{ Effect: 'Allow', Action: ['es:ESHttpGet', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpHead'], Resource: [props.logDomainArn, `${props.logDomainArn}/*`] }]
        : [],
      // Granted by the constructs that own their resources, built after the cluster (grant below).
      karpenter: [],
      velero: [],
    };

    for (const identity of names.workloadIdentities) {
      const role = new IamRole(this, identity.component, {
        name: identity.roleName,
        description: `${identity.namespace}/${identity.serviceAccount} in ${names.clusterName}`,
        assumeRolePolicy: podIdentityTrust(names, identity),
      });
      const attached: Array<IamRolePolicy | IamRolePolicyAttachment> = [];
      const statements = (policies[identity.component] ?? []).filter((s) => s.Resource === undefined || s.Resource.length > 0);
      if (statements.length > 0) {
        attached.push(new IamRolePolicy(this, `${identity.component}-policy`, { role: role.id, name: identity.component, policy: policyDocument(statements) }));
      }
      const managed = MANAGED_POLICIES[identity.component];
      if (managed) attached.push(new IamRolePolicyAttachment(this, `${identity.component}-managed`, { role: role.name, policyArn: awsManagedPolicy(managed) }));
      this.roles.set(identity.component, role);
      this.attachments.set(identity.component, attached);
    }

    // Per-team secret roles: only External Secrets' role may assume them, and each reads one team's prefix.
    const eso = this.roles.get('external-secrets');
    for (const team of eso ? names.teams : []) {
      const role = new IamRole(this, `team-${team.name}-secrets`, {
        name: names.teamSecretsRoleName(team),
        description: `External Secrets reading ${names.teamSecretPrefix(team)}*`,
        assumeRolePolicy: policyDocument([{ Effect: 'Allow', Principal: { AWS: eso!.arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }]),
      });
      new IamRolePolicy(this, `team-${team.name}-secrets-policy`, {
        role: role.id,
        name: 'read-team-secrets',
        policy: policyDocument([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: [secretArn(names.teamSecretPrefix(team))] }]),
      });
    }
  }

  /**
   * Adds a component's permissions on resources another construct owns (infra/karpenter.ts,
   * infra/backup-bucket.ts), which are built after the cluster and so after this construct.
   */
  grant(component: AwsComponent, statements: PolicyStatement[]): void {
    const role = this.roles.get(component);
    if (!role) throw new Error(`${component} has no role in environment ${this.names.env}`);
    const policy = new IamRolePolicy(this, `${component}-policy`, { role: role.id, name: component, policy: policyDocument(statements) });
    this.attachments.set(component, [...(this.attachments.get(component) ?? []), policy]);
    // The association may already exist (the cluster made it): it still waits for these permissions.
    const association = this.associations.get(component);
    if (association) association.dependsOn = [...(association.dependsOn ?? []), dependable(policy)];
  }

  /** Role ARN and permissions of a component, for an add-on that binds its own service account. */
  forAddon(component: AwsComponent): { roleArn: string; serviceAccount: string; dependsOn: Array<IamRolePolicy | IamRolePolicyAttachment> } {
    const identity = this.names.workloadIdentity(component);
    return { roleArn: this.roles.get(component)!.arn, serviceAccount: identity.serviceAccount, dependsOn: this.attachments.get(component) ?? [] };
  }

  /** Pod Identity associations for every identity not bound by its add-on; they wait for the role's permissions. */
  associate(cluster: EksCluster): EksPodIdentityAssociation[] {
    return this.names.workloadIdentities.filter((w) => !w.viaAddon).map((identity) => {
      const association = new EksPodIdentityAssociation(this, `${identity.component}-association`, {
        clusterName: cluster.name,
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
        roleArn: this.roles.get(identity.component)!.arn,
        dependsOn: this.attachments.get(identity.component),
      });
      this.associations.set(identity.component, association);
      return association;
    });
  }
}
