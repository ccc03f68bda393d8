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
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { AwsComponent, EnvironmentNames, WorkloadIdentity } from '../config';
import { awsManagedPolicy, policyDocument, PolicyStatement } from './iam';

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

/**
 * Actions that AWS does not allow to be scoped to a resource, so `*` is the only possible
 * Resource. Everything else must name its resources (test/infra.test.ts holds us to it).
 */
export const UNSCOPABLE_ACTIONS = ['route53:ListHostedZones', 'route53:ListHostedZonesByName'];

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
      'fluent-bit': props.logDomainArn
        ? [{ Effect: 'Allow', Action: ['es:ESHttpGet', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpHead'], Resource: [props.logDomainArn, `${props.logDomainArn}/*`] }]
        : [],
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

  /** Role ARN and permissions of a component, for an add-on that binds its own service account. */
  forAddon(component: AwsComponent): { roleArn: string; serviceAccount: string; dependsOn: Array<IamRolePolicy | IamRolePolicyAttachment> } {
    const identity = this.names.workloadIdentity(component);
    return { roleArn: this.roles.get(component)!.arn, serviceAccount: identity.serviceAccount, dependsOn: this.attachments.get(component) ?? [] };
  }

  /** Pod Identity associations for every identity not bound by its add-on; they wait for the role's permissions. */
  associate(cluster: EksCluster): EksPodIdentityAssociation[] {
    return this.names.workloadIdentities.filter((w) => !w.viaAddon).map((identity) => new EksPodIdentityAssociation(this, `${identity.component}-association`, {
      clusterName: cluster.name,
      namespace: identity.namespace,
      serviceAccount: identity.serviceAccount,
      roleArn: this.roles.get(identity.component)!.arn,
      dependsOn: this.attachments.get(identity.component),
    }));
  }
}
