/**
 * One IAM role per platform component that calls AWS, bound by EKS Pod Identity to exactly the
 * namespace and service account the charts create (names from config/names.ts), each allowed only
 * what that component does, on the resources it does it to.
 */
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { AwsComponent, EnvironmentNames } from '../config';
import { awsManagedPolicy, podIdentityTrust, policyDocument, PolicyStatement } from './iam';
import { KARPENTER_UNSCOPABLE_ACTIONS } from './karpenter';

export interface WorkloadIdentitiesProps {
  readonly names: EnvironmentNames;
  readonly clusterName: string;
  readonly hostedZoneArn: string;
  /** ARN of the OpenSearch domain, when logs go to AWS OpenSearch. */
  readonly logDomainArn?: string;
  /** Statements built by the construct that owns the component's AWS resources (infra/karpenter.ts, infra/backup-bucket.ts). */
  readonly componentStatements?: Partial<Record<AwsComponent, PolicyStatement[]>>;
}

/**
 * Actions that AWS does not allow to be scoped to a resource, so `*` is the only possible
 * Resource. Everything else must name its resources (test/infra.test.ts holds us to it).
 */
export const UNSCOPABLE_ACTIONS = ['route53:ListHostedZones', 'route53:ListHostedZonesByName', ...KARPENTER_UNSCOPABLE_ACTIONS];

export class WorkloadIdentities extends Construct {
  readonly roles = new Map<AwsComponent, IamRole>();

  constructor(scope: Construct, id: string, props: WorkloadIdentitiesProps) {
    super(scope, id);
    const { names } = props;
    const { accountId, region } = names.platform.aws;
    const secretArn = (prefix: string) => `arn:aws:secretsmanager:${region}:${accountId}:secret:${prefix}*`;

    const policies: Record<AwsComponent, PolicyStatement[]> = {
      // DNS-01 challenges: write TXT records in this environment's zone only.
      'cert-manager': [
        { Effect: 'Allow', Action: ['route53:GetChange'], Resource: ['arn:aws:route53:::change/*'] },
        { Effect: 'Allow', Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'], Resource: [props.hostedZoneArn] },
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
      'fluent-bit': props.logDomainArn
        ? [{ Effect: 'Allow', Action: ['es:ESHttpGet', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpHead'], Resource: [props.logDomainArn, `${props.logDomainArn}/*`] }]
        : [],
      karpenter: props.componentStatements?.karpenter ?? [],
      velero: props.componentStatements?.velero ?? [],
    };

    for (const identity of names.workloadIdentities) {
      const role = new IamRole(this, identity.component, {
        name: identity.roleName,
        description: `${identity.namespace}/${identity.serviceAccount} in ${props.clusterName}`,
        assumeRolePolicy: podIdentityTrust(accountId),
      });
      const statements = policies[identity.component].filter((s) => s.Resource === undefined || s.Resource.length > 0);
      if (statements.length > 0) {
        new IamRolePolicy(this, `${identity.component}-policy`, { role: role.id, name: identity.component, policy: policyDocument(statements) });
      }
      if (identity.component === 'ebs-csi') {
        // AWS maintains this policy alongside the driver; its volume actions are tag-scoped.
        new IamRolePolicyAttachment(this, 'ebs-csi-managed', { role: role.name, policyArn: awsManagedPolicy('service-role/AmazonEBSCSIDriverPolicy') });
      }
      new EksPodIdentityAssociation(this, `${identity.component}-association`, {
        clusterName: props.clusterName,
        namespace: identity.namespace,
        serviceAccount: identity.serviceAccount,
        roleArn: role.arn,
      });
      this.roles.set(identity.component, role);
    }

    // Per-team secret roles: only External Secrets may assume them, and each reads one team's prefix.
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
}
