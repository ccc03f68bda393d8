/**
 * The launch template every managed node group uses: IMDSv2 only with a hop limit of 1 (so pods,
 * one network hop away, cannot reach the node role's credentials), and an encrypted gp3 root volume
 * under the environment's KMS key. The AMI stays with the node group (`amiType`), so EKS keeps
 * choosing the AL2023 image of the cluster's Kubernetes version.
 */
import { Construct } from 'constructs';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';

export interface NodeLaunchTemplateProps {
  /** Launch template name prefix (the node group's name). */
  readonly name: string;
  /** KMS key that encrypts the root volume. */
  readonly kmsKeyArn: string;
  /** Root volume size in GiB. @default 50 */
  readonly diskSizeGiB?: number;
  /** Tags on the instances and their volumes. @default none */
  readonly tags?: Record<string, string>;
}

/** AL2023 EKS AMIs boot from this device. */
export const ROOT_DEVICE = '/dev/xvda';

export class NodeLaunchTemplate extends Construct {
  readonly template: LaunchTemplate;

  constructor(scope: Construct, id: string, props: NodeLaunchTemplateProps) {
    super(scope, id);
    this.template = new LaunchTemplate(this, 'template', {
      name: props.name,
      description: `${props.name}: IMDSv2 with hop limit 1, encrypted gp3 root`,
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      blockDeviceMappings: [{
        deviceName: ROOT_DEVICE,
        ebs: {
          volumeSize: props.diskSizeGiB ?? 50,
          volumeType: 'gp3',
          encrypted: 'true',
          kmsKeyId: props.kmsKeyArn,
          deleteOnTermination: 'true',
        },
      }],
      tagSpecifications: props.tags ? [
        { resourceType: 'instance', tags: props.tags },
        { resourceType: 'volume', tags: props.tags },
      ] : undefined,
    });
  }
}
