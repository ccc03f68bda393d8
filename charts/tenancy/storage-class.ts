/**
 * The cluster's default StorageClass: encrypted gp3 through the EBS CSI driver. EKS ships only an
 * unencrypted gp2 class, so every volume (Prometheus, Alertmanager, team PVCs) would otherwise be
 * unencrypted and on the older volume type. Lives with the namespaces: it is needed before anything else.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-27';

export class DefaultStorageClass extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new k8s.KubeStorageClass(this, 'gp3', {
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      parameters: { type: 'gp3', encrypted: 'true', fsType: 'ext4' },
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: 'Retain',
    });
  }
}
