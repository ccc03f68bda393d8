/** The S3 bucket that holds Terraform state: versioned, encrypted with its own KMS key (enforced by policy), private, TLS-only. */
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { denyInsecureTransport, policyDocument } from './iam';

export class StateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: { bucketName: string; keyAlias: string }) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', { description: `Terraform state in ${props.bucketName}`, enableKeyRotation: true, deletionWindowInDays: 30 });
    const key = this.key;
    new KmsAlias(this, 'alias', { name: props.keyAlias, targetKeyId: key.keyId });
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      // Losing state orphans every resource; make deletion a deliberate two-step act.
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, 'private', {
      bucket: this.bucket.id,
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketPolicy(this, 'tls-only', {
      bucket: this.bucket.id,
      policy: policyDocument([denyInsecureTransport('s3', [this.bucket.arn, `${this.bucket.arn}/*`]), {
        // State is written encrypted with the state key or not at all (the S3 backend cannot name the
        // key, so the bucket default applies it; a client asking for SSE-S3 or another key is refused).
        Sid: 'DenyOtherEncryption',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:PutObject'],
        Resource: [`${this.bucket.arn}/*`],
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
      }, {
        Sid: 'DenyOtherKeys',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:PutObject'],
        Resource: [`${this.bucket.arn}/*`],
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': key.arn } },
      }]),
    });
  }
}
