/**
 * Velero backs up every namespace's objects to the environment's S3 bucket (infra/backup-bucket.ts)
 * and its EBS volumes as CSI snapshots, on the schedule and with the retention platform.yaml sets.
 * The chart runs the server only; the storage location, the snapshot class and the schedule are
 * the platform's own objects, written here.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvironmentNames, HELM_CHARTS, IMAGES, PLATFORM_NAMESPACES } from '../../config';
import { HelmRelease, SYNC_WAVE } from '../lib/platform-chart';
import { RESTRICTED_CONTAINER_SECURITY_CONTEXT } from '../lib/pod-security';

/** Velero's service account; infra binds the backup role to it (config/names.ts). */
export const VELERO_SERVICE_ACCOUNT = 'velero';
/** The one backup location; `default`, so `velero backup create` and restores need no flag. */
export const BACKUP_LOCATION = 'default';
/** The environment's backup schedule (and the `schedule` label of Velero's metrics). */
export const BACKUP_SCHEDULE = 'cluster';
/** Snapshot class Velero picks for ebs.csi.aws.com volumes (by this label). */
export const VELERO_SNAPSHOT_CLASS = 'ebs-velero';
export const EBS_CSI_DRIVER = 'ebs.csi.aws.com';

export function veleroRelease(): HelmRelease {
  const uid = 65532;
  return {
    name: 'velero',
    namespace: PLATFORM_NAMESPACES.velero,
    chart: HELM_CHARTS.velero,
    wave: SYNC_WAVE.operators,
    podSecurity: 'restricted',
    serverSideApply: true,
    values: {
      // The object store plugin is copied into the server's plugin folder at start.
      initContainers: [{
        name: 'velero-plugin-for-aws',
        image: IMAGES.veleroPluginForAws,
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
        securityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
      }],
      serviceAccount: { server: { create: true, name: VELERO_SERVICE_ACCOUNT } },
      // Pod Identity gives the AWS credentials; no key file.
      credentials: { useSecret: false },
      // Location and schedule are written as the platform's own objects (velero.ts), not by the chart.
      backupsEnabled: false,
      snapshotsEnabled: false,
      // The chart's crds/ folder installs the CRDs; its hook job would need a kubectl image and root.
      upgradeCRDs: false,
      configuration: {
        features: 'EnableCSI',
        defaultBackupStorageLocation: BACKUP_LOCATION,
      },
      podSecurityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: RESTRICTED_CONTAINER_SECURITY_CONTEXT,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      metrics: { enabled: true, serviceMonitor: { enabled: true, autodetect: false } },
    },
  };
}

export interface VeleroBackupsProps {
  readonly names: EnvironmentNames;
  /** How long Velero waits for a CSI snapshot to be ready. @default 30m */
  readonly csiSnapshotTimeout?: string;
}

/** Where backups go, how volumes are snapshotted, and when backups run. */
export class VeleroBackups extends Construct {
  constructor(scope: Construct, id: string, props: VeleroBackupsProps) {
    super(scope, id);
    const { names } = props;
    const ns = PLATFORM_NAMESPACES.velero;
    const backup = names.environment.backup;

    new ApiObject(this, 'location', {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name: BACKUP_LOCATION, namespace: ns },
      spec: {
        provider: 'aws',
        default: true,
        objectStorage: { bucket: names.backupBucket, prefix: 'velero' },
        // The bucket encrypts with its own KMS key by default; nothing to pass.
        config: { region: names.platform.aws.region },
        accessMode: 'ReadWrite',
      },
    });

    new ApiObject(this, 'snapshot-class', {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotClass',
      metadata: { name: VELERO_SNAPSHOT_CLASS, labels: { 'velero.io/csi-volumesnapshot-class': 'true' } },
      driver: EBS_CSI_DRIVER,
      // The EBS snapshot stays when its VolumeSnapshot object goes (a deleted namespace, a restore
      // elsewhere); Velero deletes it when the backup expires.
      deletionPolicy: 'Retain',
    });

    new ApiObject(this, 'schedule', {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: BACKUP_SCHEDULE, namespace: ns },
      spec: {
        schedule: backup.schedule,
        useOwnerReferencesInBackup: false,
        template: {
          includedNamespaces: ['*'],
          includeClusterResources: true,
          snapshotVolumes: true,
          storageLocation: BACKUP_LOCATION,
          ttl: backup.ttl,
          csiSnapshotTimeout: props.csiSnapshotTimeout ?? '30m',
        },
      },
    });
  }
}
