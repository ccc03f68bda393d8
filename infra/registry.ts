/**
 * ECR repositories for every team app: tags are immutable (a tag always means the same image),
 * images are scanned on push, encrypted with KMS, and old untagged images expire.
 */
import { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';

export interface ContainerRegistryProps {
  /** Repository names. */
  readonly repositories: string[];
  /** Keep this many tagged images per repository. @default 100 */
  readonly keepTaggedImages?: number;
  /** Expire untagged images after this many days. @default 14 */
  readonly untaggedExpiryDays?: number;
}

export class ContainerRegistry extends Construct {
  readonly repositories: EcrRepository[] = [];

  constructor(scope: Construct, id: string, props: ContainerRegistryProps) {
    super(scope, id);
    const lifecycle = JSON.stringify({
      rules: [
        { rulePriority: 1, description: 'expire untagged images', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: props.untaggedExpiryDays ?? 14 }, action: { type: 'expire' } },
        { rulePriority: 2, description: 'keep the newest tagged images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: props.keepTaggedImages ?? 100 }, action: { type: 'expire' } },
      ],
    });
    for (const name of [...new Set(props.repositories)].sort()) {
      const id = name.replace(/\//g, '-');
      const repo = new EcrRepository(this, id, {
        name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: 'KMS' }],
      });
      new EcrLifecyclePolicy(this, `${id}-lifecycle`, { repository: repo.name, policy: lifecycle });
      this.repositories.push(repo);
    }
  }
}
