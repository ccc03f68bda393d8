/** The environment's customer-managed KMS key: envelope encryption of Kubernetes Secrets, log groups and node volumes. */
import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { policyDocument } from './iam';

/** In a key policy, Resource "*" means "this key". */
export const KEY_ACTIONS = [
  'kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*',
  'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion', 'kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant',
];

export interface EncryptionKeyProps {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  /** @default 30 days: the longest window, to undo an accidental deletion. */
  readonly deletionWindowInDays?: number;
}

export class EncryptionKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const autoScalingRole = `arn:aws:iam::${props.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    this.key = new KmsKey(this, 'key', {
      description: `${props.name}: Kubernetes Secrets envelope encryption and log groups`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays ?? 30,
      policy: policyDocument([
        {
          // Delegates to IAM in this account (as AWS' default key policy does), listing the actions
          // instead of kms:* so that nothing in the output grants a whole service.
          Sid: 'AccountAdministersAndUses',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
          Action: KEY_ACTIONS,
          Resource: ['*'],
        },
        {
          // Managed node groups launch through Auto Scaling, whose service-linked role must be able to
          // use the key for the encrypted root volumes (IAM delegation does not reach service-linked
          // roles). Named by condition, not as Principal: in a new account the role only appears with
          // the first node group, and KMS refuses a policy naming a principal that does not exist yet.
          Sid: 'AutoScalingEncryptsNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: ['*'],
          Condition: { StringEquals: { 'kms:CallerAccount': props.accountId }, ArnEquals: { 'aws:PrincipalArn': autoScalingRole } },
        },
        {
          Sid: 'AutoScalingGrantsForNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:CreateGrant'],
          Resource: ['*'],
          Condition: { StringEquals: { 'kms:CallerAccount': props.accountId }, ArnEquals: { 'aws:PrincipalArn': autoScalingRole }, Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
        {
          Sid: 'CloudWatchLogsOfThisAccount',
          Effect: 'Allow',
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: ['*'],
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${props.region}:${props.accountId}:log-group:*` } },
        },
        {
          // Spot and fleet launches (Karpenter) attach the encrypted node volumes as these service-linked
          // roles, which IAM policies cannot reach. Matched by condition, so the key can be created
          // before the roles exist (EC2 creates them on first use).
          Sid: 'Ec2ServiceLinkedRolesEncryptNodeVolumes',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
          Resource: ['*'],
          Condition: {
            StringEquals: { 'kms:CallerAccount': props.accountId, 'kms:ViaService': `ec2.${props.region}.amazonaws.com` },
            ArnEquals: { 'aws:PrincipalArn': ['spot.amazonaws.com/AWSServiceRoleForEC2Spot', 'ec2fleet.amazonaws.com/AWSServiceRoleForEC2Fleet'].map((r) => `arn:aws:iam::${props.accountId}:role/aws-service-role/${r}`) },
          },
        },
      ]),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.name}`, targetKeyId: this.key.keyId });
  }
}
