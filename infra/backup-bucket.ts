/**
 * Where Velero keeps the environment's backups: an S3 bucket that is versioned, encrypted with its
 * own KMS key, private, TLS-only and protected from `terraform destroy`, and the statements of
 * Velero's Pod Identity role (read and write this bucket, use this key, nothing else).
 *
 * The key is the bucket's own, not the environment key: tearing the environment down schedules
 * that key for deletion, and backups must outlive the cluster they restore.
 */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { EnvironmentNames } from '../config';
import { KEY_ACTIONS } from './encryption-key';
import { denyInsecureTransport, policyDocument, PolicyStatement } from './iam';

export interface BackupBucketProps {
  readonly names: EnvironmentNames;
  /**
   * Days an overwritten or deleted object version stays recoverable. Velero deletes a backup when
   * its TTL ends; this is the window to undo a deletion by mistake.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
}

export class BackupBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;
  /** What Velero's role may do (bound to the velero service account in infra/workload-identities.ts). */
  readonly veleroStatements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const { names } = props;
    const { accountId } = names.platform.aws;
    const bucketName = names.backupBucket;

    this.key = new KmsKey(this, 'key', {
      description: `${names.clusterName}: Velero backups in ${bucketName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: true },
      policy: policyDocument([{
        // As AWS' default key policy: IAM policies in this account decide who uses the key.
        Sid: 'AccountAdministersAndUses',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: KEY_ACTIONS,
        Resource: ['*'],
      }]),
    });
    new KmsAlias(this, 'alias', { name: `alias/${names.clusterName}-backup`, targetKeyId: this.key.keyId });

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: bucketName,
      // The bucket is the last copy when the cluster is gone: deleting it must be a deliberate act.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, 'private', {
      bucket: this.bucket.id,
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    // Velero expires backups by their TTL itself; S3 only cleans up what Velero cannot see.
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        { id: 'expire-old-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }] },
        { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] },
      ],
    });
    new S3BucketPolicy(this, 'tls-only', {
      bucket: this.bucket.id,
      policy: policyDocument([denyInsecureTransport('s3', [this.bucket.arn, `${this.bucket.arn}/*`])]),
    });

    // The velero-plugin-for-aws README's object store permissions; no EC2 snapshot rights, because
    // volumes are snapshotted through CSI (the EBS CSI driver's own role).
    this.veleroStatements = [
      { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: [this.bucket.arn] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: [`${this.bucket.arn}/*`] },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: [this.key.arn] },
    ];
  }
}
